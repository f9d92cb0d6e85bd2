/*
 * libtmdk — threat-pattern engine for container artifacts.
 * The umbrella header: include this one.
 */
#ifndef TMDK_H
#define TMDK_H

#include "tmdk/common.h"
#include "tmdk/version.h"
#include "tmdk/errors.h"
#include "tmdk/alloc.h"
#include "tmdk/node.h"
#include "tmdk/artifact.h"
#include "tmdk/project.h"
#include "tmdk/taxonomy.h"
#include "tmdk/catalog.h"
#include "tmdk/scan.h"
#include "tmdk/report.h"
#include "tmdk/walk.h"
#include "tmdk/unit.h"
#include "tmdk/kustomize.h"
#include "tmdk/model.h"

#endif /* TMDK_H */
