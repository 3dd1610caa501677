/* page_home.c: GET / — the start page after sign-in, with what the user's
 * role can do. Statuses: 200. */
#include "autoconf.h"

#include "auth.h"
#include "http.h"
#include "pages.h"
#include "tmpl.h"
#include "ui.h"

static const struct {
	const char	*href;
	const char	*title;
	const char	*text;
	unsigned	 roles;
} cards[] = {
	{ "/audit", "审计日志", "谁在何时、从何处做了什么:登录、发送、导出均有记录,且不可悄悄修改。",
	  ROLE_ADMIN | ROLE_AUDITOR },
};

void
page_home(struct request *r)
{
	struct tdict	*page, *body, *s;
	size_t		 i;

	page = ui_page(r, "首页", "home.tpl", &body);
	tdict_set(body, "USER_NAME", r->sess.user_name);
	tdict_set(body, "ROLE_LABEL", role_label(r->sess.role));
	for (i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
		if (!(cards[i].roles & r->sess.role))
			continue;
		s = tdict_add_section(body, "CARD");
		tdict_set(s, "CARD_HREF", cards[i].href);
		tdict_set(s, "CARD_TITLE", cards[i].title);
		tdict_set(s, "CARD_TEXT", cards[i].text);
	}
	ui_send(r, 200, page);
}
