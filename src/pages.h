/* pages.h: one handler per page, each in src/page_<name>.c. A handler runs
 * only after router.c has matched the route, checked the method, the
 * session, the role and (for POST) the CSRF token, and validated the input;
 * it reads r->fieldmap and writes one response. */
#ifndef DIALDESK_PAGES_H
#define DIALDESK_PAGES_H

struct request;

void	page_login(struct request *);
void	page_logout(struct request *);
void	page_home(struct request *);
void	page_audit(struct request *);

#endif
