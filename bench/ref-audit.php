<?php
// ref-audit.php: the PHP reference for the audit page of bench/run.sh, as
// a PHP programmer writes it: PDO SQLite, a WHERE clause made of the
// filters given (bound parameters), OFFSET paging, htmlspecialchars() on
// every value. It shows the columns dialdesk's page shows (time in local
// time, actor, address, action label and code, object, the details as
// label and value, the hash's first 12 digits), its filter form and its
// pager; it checks no session. Run by PHP-FPM (bench/lib.sh); the
// database and the rows a page come from the pool's environment
// (DD_REF_DB, DD_REF_ROWS).

$db = new PDO('sqlite:' . getenv('DD_REF_DB'), null, null,
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$db->exec('PRAGMA busy_timeout = 5000');
$perPage = (int)(getenv('DD_REF_ROWS') ?: 25);

$labels = [
    'login.ok' => '登录成功', 'list.uploaded' => '上传名单',
    'task.confirmed' => '确认任务', 'batch.sent' => '发送批次',
    'push.received' => '收到导入推送', 'logout' => '退出登录',
    'login.failed' => '登录失败', 'export.tasks' => '导出任务列表',
];
$detailLabels = ['task' => '任务', 'rows' => '号码数', 'seq' => '批次序号'];

function h($s) { return htmlspecialchars((string)$s, ENT_QUOTES, 'UTF-8'); }

// A date (YYYY-MM-DD, local) plus days as an audit time (UTC).
function dayUtc($date, $days) {
    $d = DateTime::createFromFormat('!Y-m-d', $date);
    if ($d === false) {
        return null;
    }
    $d->modify("+$days day");
    $d->setTimezone(new DateTimeZone('UTC'));
    return $d->format('Y-m-d\TH:i:s.000\Z');
}

$user = $_GET['user'] ?? '';
$action = $_GET['action'] ?? '';
$from = $_GET['from'] ?? '';
$to = $_GET['to'] ?? '';
$page = max(1, (int)($_GET['page'] ?? 1));

$where = [];
$args = [];
if ($user !== '') { $where[] = 'actor = ?'; $args[] = $user; }
if ($action !== '') { $where[] = 'action = ?'; $args[] = $action; }
if ($from !== '') { $where[] = 'ts >= ?'; $args[] = dayUtc($from, 0); }
if ($to !== '') { $where[] = 'ts < ?'; $args[] = dayUtc($to, 1); }
$sql = 'SELECT id, ts, actor, addr, user_agent, action, object, details, hash FROM audit'
    . ($where ? ' WHERE ' . implode(' AND ', $where) : '')
    . ' ORDER BY id DESC LIMIT ' . ($perPage + 1) . ' OFFSET ' . (($page - 1) * $perPage);
$st = $db->prepare($sql);
$st->execute($args);
$rows = $st->fetchAll(PDO::FETCH_ASSOC);
$more = count($rows) > $perPage;
$rows = array_slice($rows, 0, $perPage);

header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-store');
header('X-Content-Type-Options: nosniff');
header('X-Frame-Options: DENY');
?>
<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>审计日志</title><link rel="stylesheet" href="/static/app.css"></head>
<body>
<header class="topbar"><a href="/">dialdesk</a><nav><a href="/tasks">任务</a> <a href="/audit">审计日志</a></nav></header>
<main>
<h1>审计日志</h1>
<form method="get" action="/audit" class="filter-bar">
<label>操作人 <input name="user" value="<?= h($user) ?>"></label>
<label>操作 <select name="action"><option value="">全部操作</option>
<?php foreach ($labels as $code => $label): ?>
<option value="<?= h($code) ?>"<?= $code === $action ? ' selected' : '' ?>><?= h($label) ?></option>
<?php endforeach; ?>
</select></label>
<label>开始日期 <input type="date" name="from" value="<?= h($from) ?>"></label>
<label>结束日期 <input type="date" name="to" value="<?= h($to) ?>"></label>
<button type="submit">筛选</button>
</form>
<table class="data-table"><thead><tr><th>时间</th><th>操作人</th><th>来源地址</th><th>操作</th><th>对象</th><th>详情</th><th>哈希</th></tr></thead>
<tbody>
<?php foreach ($rows as $r):
    $t = new DateTime($r['ts']);
    $t->setTimezone(new DateTimeZone(date_default_timezone_get()));
    $details = json_decode($r['details'], true);
?>
<tr id="audit-<?= (int)$r['id'] ?>"><td><?= h($t->format('Y-m-d H:i:s')) ?></td><td><?= h($r['actor']) ?></td><td title="<?= h($r['user_agent']) ?>"><?= h($r['addr']) ?></td><td><?= h($labels[$r['action']] ?? $r['action']) ?> <code><?= h($r['action']) ?></code></td><td><?= h($r['object']) ?></td><td><?php
    if (is_array($details)) {
        foreach ($details as $k => $v) {
            echo '<span title="', h($k), '">', h($detailLabels[$k] ?? $k), '</span>：', h(is_scalar($v) ? $v : json_encode($v, JSON_UNESCAPED_UNICODE)), ' ';
        }
    } else {
        echo h($r['details']);
    }
?></td><td><code><?= h(substr($r['hash'], 0, 12)) ?></code></td></tr>
<?php endforeach; ?>
<?php if (!$rows): ?><tr><td colspan="7">没有符合条件的记录</td></tr><?php endif; ?>
</tbody></table>
<nav class="pager">
<?php
$keep = array_filter(['user' => $user, 'action' => $action, 'from' => $from, 'to' => $to], 'strlen');
if ($page > 1): ?><a href="/audit?<?= h(http_build_query($keep + ['page' => $page - 1])) ?>" rel="prev">上一页</a><?php endif; ?>
<span>第 <?= $page ?> 页</span>
<?php if ($more): ?><a href="/audit?<?= h(http_build_query($keep + ['page' => $page + 1])) ?>" rel="next">下一页</a><?php endif; ?>
</nav>
</main>
</body>
</html>
