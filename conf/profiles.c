/*
 * The profile catalogue: the machine copy of doc/profiles.md. Each profile
 * enables exactly the rules its protocol contains and cites that
 * protocol's own clause (number, or section heading where the protocol has
 * no numbers). Quotes are the protocol's own words, character for
 * character (tests/conf checks them against ../shared/protocols and the
 * table against doc/profiles.md).
 */
#include <string.h>

#include "conf/conf_private.h"

#define RULE(action, clause_, quote_) \
	{ .enabled = true, .default_action = CONF_ACTION_##action, .clause = clause_, \
	  .quote = quote_ }

static const struct conf_profile town_council_2023 = {
	.id = "town-council-2023",
	.protocol = "Member/Officer Protocol (adopted May 2023)",
	.rules = {
		[CONF_RULE_SILENT_COPY] = RULE(ANNOTATE, "12.1",
			"Where correspondence is copied, this should always be made explicit, "
			"i.e. there should be no \"blind\" copies."),
		[CONF_RULE_OBLIGATION] = RULE(HOLD, "12.4 (with 12.2, 2.9)",
			"Letters which create legally enforceable obligations or which give "
			"instructions on behalf of the Council should never be sent in the name "
			"of a member."),
		[CONF_RULE_MEMBER_INSTRUCTS_STAFF] = RULE(ANNOTATE, "2.9 (with 4.6)",
			"Members are not authorised to instruct officers other than: ... "
			"Through the formal decision-making process"),
		[CONF_RULE_CONFIDENTIAL] = RULE(HOLD, "10.7 (with 10.3, 8.14)",
			"Members and officers must not disclose information given to them in "
			"confidence without the consent of a person authorised to give it, or "
			"unless required by law to do so."),
		[CONF_RULE_CAPACITY] = RULE(ANNOTATE, "12.5 (with 11.5(a))",
			"When writing in an individual capacity as a ward member, a member must "
			"make clear that fact."),
		[CONF_RULE_PARTY_POLITICAL] = RULE(ANNOTATE, "14.3 (with 8.3)",
			"Members should not put pressure on staff to provide resources or support "
			"which officers are not permitted to give."),
		[CONF_RULE_PRE_ELECTION] = RULE(HOLD, "11.5(g) (with 9.4(b))",
			"take particular care in what they say in the run-up to local or national "
			"elections to avoid giving the impression of electioneering"),
	},
};

static const struct conf_profile ilminster = {
	.id = "ilminster",
	.protocol = "Councillor-Officer Protocol (adopted 17 January 2023)",
	.rules = {
		[CONF_RULE_SILENT_COPY] = RULE(ANNOTATE, "Correspondence",
			"a system of \u201csilent copies\u201d should not be employed ... "
			"it should be made clear at the foot of any e-mails if another "
			"councillor has received an e-mail by adding "
			"\u201cCC councillor X.\u201d"),
		[CONF_RULE_OBLIGATION] = RULE(HOLD, "Correspondence",
			"Letters or emails which, for example, create obligations or give "
			"instructions on behalf of the council should never be sent out in the "
			"name of a councillor."),
		[CONF_RULE_MEMBER_INSTRUCTS_STAFF] = RULE(ANNOTATE, "Some general principles",
			"Councillors should not give instructions directly to the Proper "
			"Officer's staff without the express approval of the Proper Officer."),
		[CONF_RULE_CONFIDENTIAL] = RULE(HOLD, "Correspondence",
			"Correspondence to individual councillors from officers should not be "
			"sent or copied to complainants or other third parties if they are "
			"marked \u201cconfidential\u201d."),
		[CONF_RULE_PARTY_POLITICAL] = RULE(ANNOTATE,
			"Councillors (what officers can expect)",
			"do not ask officers to undertake work, or act in a way, which seeks to "
			"support or benefit a particular political party"),
	},
};

static const struct conf_profile chard = {
	.id = "chard",
	.protocol = "Protocol on Member/Officer Relations (adopted 19 January 2015)",
	.rules = {
		[CONF_RULE_MEMBER_INSTRUCTS_STAFF] = RULE(ANNOTATE, "2.3",
			"A Councillor acting as an individual cannot give instructions to a "
			"Council employee."),
		[CONF_RULE_CONFIDENTIAL] = RULE(HOLD, "2.7",
			"Any document provided for a Councillor and marked as "
			"\u201cConfidential\u201d or \u201cNot For Publication\u201d shall be "
			"exclusively for the use of that Councillor and shall not be disclosed "
			"to any other person."),
	},
};

static const struct conf_profile little_glemham = {
	.id = "little-glemham",
	.protocol = "Protocol on Member-Officer Relations",
	.rules = {
		[CONF_RULE_MEMBER_INSTRUCTS_STAFF] = RULE(ANNOTATE, "4.2",
			"The Clerk and other Officers are responsible to the council as a whole "
			"and should not take action under instructions from any individual "
			"Councillor, even if he/she has been styled as 'Leader' of the council."),
		[CONF_RULE_PARTY_POLITICAL] = RULE(ANNOTATE, "2.3 (with 4.2)",
			"must not ask them to undertake work of a party political nature"),
	},
};

static const struct conf_profile twywell = {
	.id = "twywell",
	.protocol = "Member/Officer Protocol (Governance Toolkit)",
	.rules = {
		[CONF_RULE_MEMBER_INSTRUCTS_STAFF] = RULE(ANNOTATE, "2.2.3",
			"Councillors should not involve themselves in the day to day running of "
			"the council. This is the clerk\u2019s responsibility, and the clerk "
			"will be acting on instructions from the council or its committees"),
	},
};

/* Order of doc/profiles.md; conf_profile_choices follows it. */
static const struct conf_profile *const profiles[] = {
	&town_council_2023, &ilminster, &chard, &little_glemham, &twywell,
};

const struct schema_name conf_profile_choices[] = {
	{ "town-council-2023", 0 }, { "ilminster", 1 }, { "chard", 2 },
	{ "little-glemham", 3 }, { "twywell", 4 }, { NULL, 0 },
};

const struct schema_name conf_rule_choices[] = {
	{ "silent-copy", CONF_RULE_SILENT_COPY },
	{ "obligation-in-member-name", CONF_RULE_OBLIGATION },
	{ "member-instructs-staff", CONF_RULE_MEMBER_INSTRUCTS_STAFF },
	{ "confidential", CONF_RULE_CONFIDENTIAL },
	{ "capacity", CONF_RULE_CAPACITY },
	{ "party-political", CONF_RULE_PARTY_POLITICAL },
	{ "pre-election", CONF_RULE_PRE_ELECTION },
	{ NULL, 0 },
};

const struct schema_name conf_phrase_set_choices[] = {
	{ "instruction", CONF_PHRASES_INSTRUCTION },
	{ "obligation", CONF_PHRASES_OBLIGATION },
	{ "payment", CONF_PHRASES_PAYMENT },
	{ "contract", CONF_PHRASES_CONTRACT },
	{ "party-political", CONF_PHRASES_PARTY_POLITICAL },
	{ "capacity", CONF_PHRASES_CAPACITY },
	{ "confidential", CONF_PHRASES_CONFIDENTIAL },
	{ "information", CONF_PHRASES_INFORMATION },
	{ "courtesy", CONF_PHRASES_COURTESY },
	{ "commitment", CONF_PHRASES_COMMITMENT },
	{ "party", CONF_PHRASES_PARTY },
	{ NULL, 0 },
};

static const char *const action_names[] = {
	[CONF_ACTION_NONE] = "accept",
	[CONF_ACTION_MONITOR] = "monitor",
	[CONF_ACTION_ANNOTATE] = "annotate",
	[CONF_ACTION_HOLD] = "hold",
	[CONF_ACTION_REJECT] = "reject",
};

const struct conf_profile *conf_profile_find(const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(profiles); i++) {
		if (strcmp(profiles[i]->id, id) == 0)
			return profiles[i];
	}
	return NULL;
}

const struct conf_profile *const *conf_profiles(size_t *n_r)
{
	*n_r = G_N_ELEMENTS(profiles);
	return profiles;
}

const char *conf_rule_id(enum conf_rule rule)
{
	if ((unsigned)rule >= CONF_RULE_COUNT)
		return "unknown";
	return conf_rule_choices[rule].name;
}

int conf_rule_parse(const char *id, enum conf_rule *rule_r)
{
	for (unsigned i = 0; id != NULL && i < CONF_RULE_COUNT; i++) {
		if (strcmp(conf_rule_choices[i].name, id) == 0) {
			*rule_r = (enum conf_rule)i;
			return 0;
		}
	}
	return -1;
}

/* CONF_ACTION_NONE is "accept": the word SPEC 6 uses for the verdict. */
const char *conf_action_name(enum conf_action action)
{
	if ((unsigned)action >= G_N_ELEMENTS(action_names))
		return "unknown";
	return action_names[action];
}

int conf_action_parse(const char *name, enum conf_action *action_r)
{
	for (unsigned i = 0; name != NULL && i < G_N_ELEMENTS(action_names); i++) {
		if (strcmp(action_names[i], name) == 0) {
			*action_r = (enum conf_action)i;
			return 0;
		}
	}
	return -1;
}

const char *conf_phrase_set_name(enum conf_phrase_set set)
{
	if ((unsigned)set >= CONF_PHRASES_COUNT)
		return "unknown";
	return conf_phrase_set_choices[set].name;
}
