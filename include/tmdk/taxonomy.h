/*
 * libtmdk — the fixed vocabulary of the threat model: the four questions,
 * the eighteen risk slugs, severities and STRIDE categories. The slugs are a
 * public contract (JSON output, bindings, reports) and never change.
 */
#ifndef TMDK_TAXONOMY_H
#define TMDK_TAXONOMY_H

#include "common.h"

TMDK_BEGIN_DECL

typedef enum tmdk_question {
	TMDK_Q_WHAT_ARE_WE_BUILDING = 0,  /**< what-are-we-building */
	TMDK_Q_WHAT_CAN_GO_WRONG = 1,     /**< what-can-go-wrong */
	TMDK_Q_WHAT_ARE_WE_GOING_TO_DO = 2, /**< what-are-we-going-to-do */
	TMDK_Q_DID_WE_DO_ENOUGH = 3       /**< did-we-do-enough */
} tmdk_question;
#define TMDK_QUESTION_COUNT 4

typedef enum tmdk_risk {
	TMDK_R_INSUFFICIENT_AUTHENTICATION = 0,
	TMDK_R_INFORMATION_DISCLOSURE,
	TMDK_R_INSIDER_THREAT,
	TMDK_R_TAMPERPROOF_DOCKERFILE,
	TMDK_R_SENSITIVE_DATA_IN_IMAGE,
	TMDK_R_SENSITIVE_DATA,
	TMDK_R_DANGEROUS_BOOT_COMMANDS,
	TMDK_R_DOCUMENTATION,
	TMDK_R_RUN_EQUALS_ACCESS,
	TMDK_R_DOCKER_INSPECTION,
	TMDK_R_EXPOSED_DAEMON_SOCKET,
	TMDK_R_SEGREGATION_OF_DUTIES,
	TMDK_R_MASS_DOWNLOAD,
	TMDK_R_LATEST_TAG,
	TMDK_R_PRIVILEGE_ESCALATION,
	TMDK_R_AUDIT_LOGGING,
	TMDK_R_HEALTH_AND_LIMITS,
	TMDK_R_POLICY_ENFORCEMENT
} tmdk_risk;
#define TMDK_RISK_COUNT 18

typedef enum tmdk_severity {
	TMDK_SEVERITY_INFO = 0,
	TMDK_SEVERITY_LOW = 1,
	TMDK_SEVERITY_MEDIUM = 2,
	TMDK_SEVERITY_HIGH = 3,
	TMDK_SEVERITY_CRITICAL = 4
} tmdk_severity;
#define TMDK_SEVERITY_COUNT 5

/** "what-are-we-building" …; NULL when out of range. */
TMDK_API const char *tmdk_question_slug(tmdk_question q);
/** "What are we building?" …; NULL when out of range. */
TMDK_API const char *tmdk_question_title(tmdk_question q);
TMDK_API int tmdk_question_from_slug(tmdk_question *out, const char *slug);

/** "insufficient-authentication" …; NULL when out of range. */
TMDK_API const char *tmdk_risk_slug(tmdk_risk r);
/** The cheat sheet's wording ("Insufficient Authentication Protection") …. */
TMDK_API const char *tmdk_risk_title(tmdk_risk r);
/** The question a risk belongs to. */
TMDK_API tmdk_question tmdk_risk_question(tmdk_risk r);
TMDK_API int tmdk_risk_from_slug(tmdk_risk *out, const char *slug);

/** "info", "low", "medium", "high", "critical"; NULL when out of range. */
TMDK_API const char *tmdk_severity_name(tmdk_severity s);
/** Parse a severity name (case-insensitive). @return TMDK_OK or TMDK_EINVAL. */
TMDK_API int tmdk_severity_from_name(tmdk_severity *out, const char *name);

/** STRIDE: "spoofing", "tampering", "repudiation", "information-disclosure",
 *  "denial-of-service", "elevation-of-privilege". 1 if `name` is one of them. */
TMDK_API int tmdk_stride_is_valid(const char *name);

TMDK_END_DECL

#endif /* TMDK_TAXONOMY_H */
