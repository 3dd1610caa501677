{{%AUTOESCAPE context="HTML"}}
{{! error.tpl: what a person sees when a request cannot be served. }}
<section class="error-card card" aria-labelledby="error-title">
<p class="error-status">{{STATUS}}</p>
<h1 id="error-title">{{MESSAGE}}</h1>
{{#DETAIL}}<p class="error-detail">{{DETAIL_TEXT}}</p>{{/DETAIL}}
<p><a class="btn btn-primary" href="/">返回首页</a></p>
</section>
