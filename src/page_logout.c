/* page_logout.c: POST /logout ends the session on the server and clears
 * the cookie. Statuses: 303 to /login, 500. (GET is 405 by the route
 * table: a link that signs out would be a CSRF hole.) */
#include "autoconf.h"

#include "audit.h"
#include "http.h"
#include "pages.h"
#include "store/users.h"
#include "ui.h"

void
page_logout(struct request *r)
{
	if (db_begin(r->db) == -1 ||
	    store_session_delete(r->db, r->sess.id) == -1 ||
	    audit_append(r->db, &r->actor, "logout", r->sess.user_name,
	    NULL) == -1 ||
	    db_commit(r->db) == -1) {
		db_rollback(r->db);
		ui_error(r, 500, "服务器内部错误", "退出未能完成，请稍后再试。");
		return;
	}
	http_cookie(r, "dd_session", "", 0);
	http_redirect(r, "/login");
}
