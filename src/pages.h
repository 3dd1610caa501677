/* pages.h: one handler per page, each in src/page_<name>.c. A handler runs
 * only after router.c has matched the route, checked the method, the
 * session, the role and (for POST) the CSRF token, validated the input
 * and, for a path with an id, checked that the object r->path_id exists
 * and that this session may read or act on it (r->may_act: whether it
 * may also act); it reads r->fieldmap and writes one response. */
#ifndef DIALDESK_PAGES_H
#define DIALDESK_PAGES_H

#include <stdint.h>

struct request;

void	page_login(struct request *);
void	page_logout(struct request *);
void	page_home(struct request *);
void	page_audit(struct request *);
void	page_task_new(struct request *);
void	page_import(struct request *);
void	page_import_confirm(struct request *);
void	page_import_cancel(struct request *);
void	page_import_mapping(struct request *);
void	page_import_errors(struct request *);
void	page_import_errors_full(struct request *);
void	page_import_reveal(struct request *);
void	page_tasks(struct request *);
void	page_task(struct request *);
void	page_task_cancel(struct request *);
void	page_batch_resend(struct request *);
void	page_callback(struct request *);
void	page_pushes(struct request *);
void	page_push_link(struct request *);
void	page_settings(struct request *);
void	page_settings_save(struct request *);
void	page_settings_preview(struct request *);
void	page_users(struct request *);
void	page_user(struct request *);
void	page_user_role(struct request *);
void	page_user_state(struct request *);
void	page_user_password(struct request *);
void	page_user_sessions(struct request *);
void	page_user_vendor_login(struct request *);
void	page_user_phones(struct request *);
void	page_account(struct request *);
void	page_account_password(struct request *);
void	page_account_sessions(struct request *);
void	page_dnc(struct request *);
void	page_dnc_search(struct request *);
void	page_dnc_add(struct request *);
void	page_dnc_upload(struct request *);
void	page_dnc_remove(struct request *);
void	page_dnc_export(struct request *);

void	page_tasks_export(struct request *);
void	page_breakdown_export(struct request *);
void	page_healthz(struct request *);
void	page_metrics(struct request *);

#endif
