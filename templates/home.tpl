{{%AUTOESCAPE context="HTML"}}
{{! home.tpl: the start page after sign-in; one card per place the role may go. }}
<div class="page-head">
<h1>你好,{{USER_NAME}}</h1>
<p class="lead">当前角色：<span class="role-badge role-badge-light">{{ROLE_LABEL}}</span></p>
</div>
<ul class="card-grid">
{{#CARD}}
<li class="card card-link">
<h2><a href="{{CARD_HREF}}">{{CARD_TITLE}}</a></h2>
<p>{{CARD_TEXT}}</p>
</li>
{{/CARD}}
</ul>
