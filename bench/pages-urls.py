#!/usr/bin/python3
# pages-urls.py: the URL lists of bench/run.sh's `pages` target, made from
# the seeded database, so that every request of a wrk run asks for a page
# chosen at random among those that exist (no cache can answer them).
#
# usage: pages-urls.py DATABASE OUTDIR STYLE-FILE [COUNT]
# STYLE-FILE holds one line per list page ("audit", "tasks", "pushes"):
#   KIND page            paged by ?page=N
#   KIND key PARAM       paged by key: ?PARAM=ID (an id of the list)
# (bench/pages.sh reads it from each page's "next" link). Writes, for each
# list, OUTDIR/NAME.urls (dialdesk's) and for the audit lists
# OUTDIR/NAME.ref.urls (the reference pages': always ?page=N, the same
# pages). COUNT URLs a list (default 400). Pages are chosen among the
# first 2,000 of each filtered list, filter values among the seeded ones.
import calendar
import random
import sqlite3
import sys
import time
import urllib.parse

db_path, out, style_file = sys.argv[1:4]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 400
rnd = random.Random(12)
db = sqlite3.connect('file:%s?mode=ro' % db_path, uri=True)
styles = {}
for line in open(style_file):
    f = line.split()
    if f:
        styles[f[0]] = f[1:]

users = [r[0] for r in db.execute(
    "SELECT name FROM users WHERE name LIKE 'op__' ORDER BY name")]
user_ids = [r[0] for r in db.execute(
    "SELECT id FROM users WHERE name LIKE 'op__' ORDER BY name")]
actions = ['login.ok', 'list.uploaded', 'task.confirmed', 'batch.sent',
           'push.received', 'logout', 'login.failed', 'export.tasks']
first, last = db.execute(
    "SELECT min(ts), max(ts) FROM audit WHERE action IN (%s)"
    % ','.join('?' * len(actions)), actions).fetchone()
day0 = calendar.timegm(time.strptime(first[:10], '%Y-%m-%d'))
days = (calendar.timegm(time.strptime(last[:10], '%Y-%m-%d')) - day0) // 86400


def day(d):
    return time.strftime('%Y-%m-%d', time.gmtime(day0 + d * 86400))


def utc(date, plus):
    # Local midnight of date plus days, as an audit time (as dialdesk).
    t = time.mktime(time.strptime(date, '%Y-%m-%d')) + plus * 86400
    return time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(t))


def audit_filter(kind):
    q, where, args = [], [], []
    if kind in ('user', 'all'):
        u = rnd.choice(users)
        q.append(('user', u)); where.append('actor = ?'); args.append(u)
    if kind in ('action', 'all'):
        a = rnd.choice(actions)
        q.append(('action', a)); where.append('action = ?'); args.append(a)
    if kind in ('date', 'all'):
        span = 6 if kind == 'date' else 29
        d = rnd.randrange(0, max(1, days - span))
        q += [('from', day(d)), ('to', day(d + span))]
        where += ['ts >= ?', 'ts < ?']
        args += [utc(day(d), 0), utc(day(d + span), 1)]
    return q, ' AND '.join(where) or '1 = 1', args


def task_filter(kind):
    if kind == 'status':
        s = rnd.choice(['sent', 'attention', 'cancelled', 'queued'])
        return [('status', s)], 'state = ?', [s]
    if kind == 'creator':
        u = rnd.choice(user_ids)
        return [('creator', str(u))], 'user_id = ?', [u]
    w = rnd.choice(['春季', '秋季', '北京', '深圳', '回访', '续费提醒'])
    return [('q', w)], 'instr(name, ?) > 0', [w]


counts = {}


def write(name, kind, table, per_page, make, ref):
    style = styles.get(kind, ['page'])
    urls, refs = [], []
    path = {'audit': '/audit', 'tasks': '/tasks', 'pushes': '/pushes'}[kind]
    while len(urls) < count:
        q, where, args = make()
        ck = (table, where, tuple(args))
        if ck not in counts:
            counts[ck] = db.execute('SELECT count(*) FROM %s WHERE %s'
                                    % (table, where), args).fetchone()[0]
        n = counts[ck]
        if n == 0:
            continue
        page = rnd.randint(1, min(2000, (n + per_page - 1) // per_page))
        refs.append(path + '?' + urllib.parse.urlencode(q + [('page', page)]))
        if style[0] == 'key':
            key = db.execute('SELECT id FROM %s WHERE %s ORDER BY id DESC'
                             ' LIMIT 1 OFFSET ?' % (table, where),
                             args + [(page - 1) * per_page]).fetchone()[0]
            q = q + [(style[1], key + 1)] if page > 1 else q
        else:
            q = q + [('page', page)]
        urls.append(path + '?' + urllib.parse.urlencode(q))
    with open('%s/%s.urls' % (out, name), 'w') as f:
        f.write('\n'.join(urls) + '\n')
    if ref:
        with open('%s/%s.ref.urls' % (out, name), 'w') as f:
            f.write('\n'.join(refs) + '\n')


per_audit = int(styles.get('audit-rows', ['25'])[0])
per_tasks = int(styles.get('tasks-rows', ['50'])[0])
per_pushes = int(styles.get('pushes-rows', ['50'])[0])
for k in ('none', 'user', 'action', 'date', 'all'):
    write('audit-' + k, 'audit', 'audit', per_audit,
          lambda k=k: audit_filter(k), True)
for k in ('status', 'creator', 'text'):
    write('tasks-' + k, 'tasks', 'tasks', per_tasks,
          lambda k=k: task_filter(k), False)
write('pushes', 'pushes', 'pushes', per_pushes,
      lambda: ([], 'batch_id IS NULL', []), False)
