"""Print where `make install` puts the tmdk package for a prefix:
the folder the running interpreter imports packages from for that prefix.

    python3 install_dir.py PREFIX [EXEC_PREFIX]

Asked to the interpreter's own sysconfig. On Debian and Ubuntu the
interpreter searches dist-packages, not site-packages: /usr/local is the
`posix_local` scheme (/usr/local/lib/python3.X/dist-packages, for what
the administrator installs), /usr the `deb_system` scheme
(/usr/lib/python3/dist-packages, for packages). Any other prefix, and
every prefix of other interpreters, is the `posix_prefix` scheme
(PREFIX/lib/python3.X/site-packages), which is on sys.path when PREFIX is
the interpreter's own prefix (a venv, a pyenv build) and otherwise needs
PYTHONPATH. Run by configure (the exec-prefix part is written back as
${exec_prefix}, so `make install prefix=…` and DESTDIR keep working) and
by tests/check-python-install.sh.
"""

import os
import sys
import sysconfig


def install_dir(prefix: str, exec_prefix: str) -> str:
    """The platlib folder of the interpreter for this prefix (see the module's docstring)."""
    schemes = sysconfig.get_scheme_names()
    prefix, exec_prefix = os.path.normpath(prefix), os.path.normpath(exec_prefix)
    if "posix_local" in schemes and exec_prefix == "/usr/local":
        # posix_local appends /local to its base (/usr).
        return sysconfig.get_path("platlib", "posix_local", {"base": "/usr", "platbase": "/usr"})
    if "deb_system" in schemes and exec_prefix == "/usr":
        return sysconfig.get_path("platlib", "deb_system", {"base": "/usr", "platbase": "/usr"})
    scheme = "posix_prefix" if os.name == "posix" else sysconfig.get_default_scheme()
    return sysconfig.get_path("platlib", scheme, {"base": prefix, "platbase": exec_prefix})


def main(argv: "list[str]") -> int:
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: install_dir.py PREFIX [EXEC_PREFIX]\n")
        return 2
    prefix = argv[1]
    exec_prefix = argv[2] if len(argv) == 3 else prefix
    print(install_dir(prefix, exec_prefix))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
