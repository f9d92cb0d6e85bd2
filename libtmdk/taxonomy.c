/* The fixed vocabulary: questions, risk slugs, severities, STRIDE. */
#include "internal.h"

#include <strings.h>
#include <string.h>

static const char *const question_slugs[TMDK_QUESTION_COUNT] = {
	"what-are-we-building", "what-can-go-wrong", "what-are-we-going-to-do", "did-we-do-enough"
};
static const char *const question_titles[TMDK_QUESTION_COUNT] = {
	"What are we building?", "What can go wrong?",
	"What are we going to do about that?", "Did we do a good enough job?"
};

static const struct {
	const char *slug, *title;
	tmdk_question question;
} risks[TMDK_RISK_COUNT] = {
	{ "insufficient-authentication", "Insufficient Authentication Protection", TMDK_Q_WHAT_ARE_WE_BUILDING },
	{ "information-disclosure", "Information Disclosure", TMDK_Q_WHAT_ARE_WE_BUILDING },
	{ "insider-threat", "Insider Threat", TMDK_Q_WHAT_ARE_WE_BUILDING },
	{ "tamperproof-dockerfile", "Tamperproof Dockerfile", TMDK_Q_WHAT_ARE_WE_BUILDING },
	{ "sensitive-data-in-image", "Sensitive data in Docker file or image", TMDK_Q_WHAT_ARE_WE_BUILDING },
	{ "sensitive-data", "Sensitive Data", TMDK_Q_WHAT_CAN_GO_WRONG },
	{ "dangerous-boot-commands", "Dangerous commands on boot", TMDK_Q_WHAT_CAN_GO_WRONG },
	{ "documentation", "Documentation Group", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "run-equals-access", "Run = Access", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "docker-inspection", "Docker inspection used", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "exposed-daemon-socket", "Exposing daemon socket", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "segregation-of-duties", "Segregation of duties not forced", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "mass-download", "User can mass download", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "latest-tag", "\"Latest\" user awareness", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "privilege-escalation", "Escalation of privilege to a deeper level", TMDK_Q_WHAT_ARE_WE_GOING_TO_DO },
	{ "audit-logging", "Audit logging", TMDK_Q_DID_WE_DO_ENOUGH },
	{ "health-and-limits", "Health checks and resource limits", TMDK_Q_DID_WE_DO_ENOUGH },
	{ "policy-enforcement", "Policy enforcement", TMDK_Q_DID_WE_DO_ENOUGH },
};

static const char *const severity_names[TMDK_SEVERITY_COUNT] = {
	"info", "low", "medium", "high", "critical"
};

static const char *const stride_names[] = {
	"spoofing", "tampering", "repudiation", "information-disclosure",
	"denial-of-service", "elevation-of-privilege", NULL
};

const char *tmdk_question_slug(tmdk_question q)
{
	return (unsigned)q < TMDK_QUESTION_COUNT ? question_slugs[q] : NULL;
}

const char *tmdk_question_title(tmdk_question q)
{
	return (unsigned)q < TMDK_QUESTION_COUNT ? question_titles[q] : NULL;
}

int tmdk_question_from_slug(tmdk_question *out, const char *slug)
{
	int i;
	if (!out || !slug)
		return TMDK_EINVAL;
	for (i = 0; i < TMDK_QUESTION_COUNT; i++) {
		if (strcmp(slug, question_slugs[i]) == 0) {
			*out = (tmdk_question)i;
			return TMDK_OK;
		}
	}
	return TMDK_EINVAL;
}

const char *tmdk_risk_slug(tmdk_risk r)
{
	return (unsigned)r < TMDK_RISK_COUNT ? risks[r].slug : NULL;
}

const char *tmdk_risk_title(tmdk_risk r)
{
	return (unsigned)r < TMDK_RISK_COUNT ? risks[r].title : NULL;
}

tmdk_question tmdk_risk_question(tmdk_risk r)
{
	return (unsigned)r < TMDK_RISK_COUNT ? risks[r].question : TMDK_Q_WHAT_ARE_WE_BUILDING;
}

int tmdk_risk_from_slug(tmdk_risk *out, const char *slug)
{
	int i;
	if (!out || !slug)
		return TMDK_EINVAL;
	for (i = 0; i < TMDK_RISK_COUNT; i++) {
		if (strcmp(slug, risks[i].slug) == 0) {
			*out = (tmdk_risk)i;
			return TMDK_OK;
		}
	}
	return TMDK_EINVAL;
}

const char *tmdk_severity_name(tmdk_severity s)
{
	return (unsigned)s < TMDK_SEVERITY_COUNT ? severity_names[s] : NULL;
}

int tmdk_severity_from_name(tmdk_severity *out, const char *name)
{
	int i;
	if (!out || !name)
		return TMDK_EINVAL;
	for (i = 0; i < TMDK_SEVERITY_COUNT; i++) {
		if (strcasecmp(name, severity_names[i]) == 0) {
			*out = (tmdk_severity)i;
			return TMDK_OK;
		}
	}
	return TMDK_EINVAL;
}

int tmdk_stride_is_valid(const char *name)
{
	const char *const *s;
	if (!name)
		return 0;
	for (s = stride_names; *s; s++)
		if (strcmp(*s, name) == 0)
			return 1;
	return 0;
}
