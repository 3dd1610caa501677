/* access.c: who may read and act on which object (the rule, as one table)
 * and the owner lookup behind it. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "auth.h"
#include "store/access.h"

/*
 * The rule, one row per kind of object. "any" roles may do it to every
 * object of the kind, "own" roles only to the objects they own; acting
 * implies reading. A kind left out allows nobody anything.
 *
 * Administrators read and act on everything. Operators read every task
 * and its batches and results (a team sees its campaigns) but act only on
 * their own. A preview and its error report hold the personal data of a
 * list not yet sent: only its uploader, administrators and auditors read
 * them. Auditors read and never act. Pushes are the administrators'.
 */
static const struct policy {
	const char	*name;
	unsigned	 read_any, read_own, act_any, act_own;
	const char	*missing_zh, *noread_zh, *noact_zh;
} policies[OBJ__MAX] = {
	[OBJ_TASK] = { "task",
	    ROLE_ANY, 0, ROLE_ADMIN, ROLE_OPERATOR,
	    "任务不存在", "没有权限查看该任务",
	    "只有任务的创建人或管理员可以操作该任务" },
	[OBJ_BATCH] = { "batch",
	    ROLE_ANY, 0, ROLE_ADMIN, ROLE_OPERATOR,
	    "批次不存在", "没有权限查看该批次",
	    "只有任务的创建人或管理员可以操作该批次" },
	[OBJ_IMPORT] = { "import",
	    ROLE_ADMIN | ROLE_AUDITOR, ROLE_OPERATOR, ROLE_ADMIN, ROLE_OPERATOR,
	    "名单不存在", "没有权限查看该名单",
	    "只有上传者或管理员可以处理该名单" },
	[OBJ_PUSH] = { "push",
	    ROLE_ADMIN, 0, ROLE_ADMIN, 0,
	    "推送不存在", "没有权限查看该推送", "只有管理员可以处理推送" },
	/* Accounts are the administrators' to manage; everyone manages
	 * their own password and sessions at /account, which takes no id. */
	[OBJ_USER] = { "user",
	    ROLE_ADMIN, 0, ROLE_ADMIN, 0,
	    "用户不存在", "没有权限查看该用户", "只有管理员可以管理用户" },
	/* The do-not-call list holds no number (dnc.h): everyone reads it,
	 * masked; administrators change it. */
	[OBJ_DNC] = { "dnc",
	    ROLE_ANY, 0, ROLE_ADMIN, 0,
	    "免打扰号码不存在", "没有权限查看免打扰名单",
	    "只有管理员可以修改免打扰名单" },
};

static const struct policy *
policy_of(enum object obj)
{
	if (obj <= OBJ_NONE || obj >= OBJ__MAX ||
	    policies[obj].name == NULL)
		return NULL;
	return &policies[obj];
}

const char *
access_object_name(enum object obj)
{
	const struct policy *p = policy_of(obj);

	return p != NULL ? p->name : "-";
}

const char *
access_need_name(enum need need)
{
	return need == NEED_READ ? "read" : need == NEED_ACT ? "act" : "-";
}

const char *
access_missing_zh(enum object obj)
{
	const struct policy *p = policy_of(obj);

	return p != NULL ? p->missing_zh : "页面不存在";
}

const char *
access_denied_zh(enum object obj, enum need need)
{
	const struct policy *p = policy_of(obj);

	if (p == NULL)
		return "没有权限访问该页面";
	return need == NEED_READ ? p->noread_zh : p->noact_zh;
}

int
access_owner(struct db *db, enum object obj, int64_t id, int64_t *owner,
    int *exists)
{
	int	 rc;

	*exists = 0;
	if (policy_of(obj) == NULL) {
		*owner = 0;
		return -1;
	}
	if ((rc = store_owner(db, obj, id, owner)) == -1)
		return -1;
	*exists = rc == 0;
	return 0;
}

int
access_allowed(enum object obj, enum need need, unsigned role, int64_t uid,
    int64_t owner)
{
	const struct policy *p = policy_of(obj);
	unsigned	 any, own;

	if (p == NULL || role == ROLE_NONE)
		return 0;
	if (need == NEED_ACT) {
		any = p->act_any;
		own = p->act_own;
	} else if (need == NEED_READ) {
		any = p->read_any | p->act_any;
		own = p->read_own | p->act_own;
	} else
		return 0;
	if (role & any)
		return 1;
	/* Owner 0 is nobody: an object without an owner is no one's own. */
	return (role & own) != 0 && owner != 0 && owner == uid;
}

char *
access_rule_text(enum object obj, enum need need, unsigned roles, char *buf,
    size_t bufsz)
{
	static const unsigned order[] = { ROLE_ADMIN, ROLE_OPERATOR,
	    ROLE_AUDITOR };
	size_t		 i, len = 0;
	int		 n;

	buf[0] = '\0';
	if (policy_of(obj) == NULL) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(roles & order[i]) || len >= bufsz)
			continue;
		/* Owner 1 and uid 1 is an owner; uid 2 is anybody else. */
		if (access_allowed(obj, need, order[i], 2, 1))
			n = snprintf(buf + len, bufsz - len, "%s%s",
			    len > 0 ? "," : "", role_name((enum role)order[i]));
		else if (access_allowed(obj, need, order[i], 1, 1))
			n = snprintf(buf + len, bufsz - len, "%s%s(owner)",
			    len > 0 ? "," : "", role_name((enum role)order[i]));
		else
			continue;
		if (n > 0)
			len += (size_t)n;
	}
	if (buf[0] == '\0')
		snprintf(buf, bufsz, "nobody");
	return buf;
}
