{{%AUTOESCAPE context="HTML"}}
{{! layout.tpl: the page chrome around every page; the page itself is the BODY include. }}
{{! Loaded with STRIP_WHITESPACE: line ends vanish, so keep each tag on one line. }}
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · dialdesk</title>
{{#REFRESH}}<meta http-equiv="refresh" content="{{REFRESH_SECONDS}}">{{/REFRESH}}
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css">
<script src="/static/app.js" defer></script>
<script src="/static/task-form.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">跳到主要内容</a>
<header class="site-header">
<div class="site-header-inner">
<a class="brand" href="/"><img class="brand-logo" src="/static/favicon.svg" alt="" width="28" height="28"><span class="brand-name">dialdesk 外呼控制台</span></a>
{{#USER}}
{{! safe: NAV_HTML is nav.tpl's own expansion, autoescaped there (ui.c keeps it per role and current entry). }}
{{NAV_HTML:none}}
<div class="user-box">
<a class="user-name" href="/account" title="我的账号">{{USER_NAME}}</a>
<span class="role-badge">{{ROLE_LABEL}}</span>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit">退出登录</button></form>
</div>
{{/USER}}
</div>
</header>
<main id="main" class="page" tabindex="-1">
{{#FLASH}}
<div class="flash flash-{{FLASH_KIND}}" role="status">{{FLASH_TEXT}}</div>
{{/FLASH}}
{{>BODY}}
</main>
<footer class="site-footer">
<p>dialdesk 外呼控制台 · 所有操作均记入审计日志</p>
</footer>
</body>
</html>
