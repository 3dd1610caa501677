{{%AUTOESCAPE context="HTML"}}
{{! task_new.tpl: the form that creates a call task; after a refused POST the same page comes back filled in, each reason next to its field. }}
{{! Field names are the vendor API's own. Each include line names one field of src/fields.def, drawn by task_field_text.tpl or task_field_phase.tpl. The data-depends-on groups are shown or hidden by task-form.js; without script every field shows and the server decides. }}
<div class="form-page">
<div class="page-head">
<h1>新建外呼任务</h1>
<p class="lead">供应商账号：<span class="nowrap">{{LOGIN_NAME}}</span>；每批 {{BATCH_SIZE}} 条；名单最多 {{MAX_ROWS}} 行；文件不超过 {{UPLOAD_MAX}}。</p>
</div>
{{#NOTICE}}<p class="flash flash-ok" role="status">{{TEXT}}</p>{{/NOTICE}}
{{#FORM_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/FORM_ERROR}}
{{#VENDOR_WARNING}}<p class="flash flash-warn">{{TEXT}}</p>{{/VENDOR_WARNING}}
<form method="post" action="/tasks/new" enctype="multipart/form-data" class="card task-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{! upload_token binds a file kept after a refused submission to this form and session; it names no file. }}
<input type="hidden" name="upload_token" value="{{UPLOAD_TOKEN}}">
<fieldset class="form-section">
<legend>任务内容</legend>
<div class="form-grid">
{{>NAME}}
{{>VIDEOBOTID}}
</div>
</fieldset>
<fieldset class="form-section">
<legend>语音分流</legend>
<div class="check">
<input id="task-isVoiceDivide" type="checkbox" name="isVoiceDivide" value="true" aria-controls="group-voice"{{#ISVOICEDIVIDE_CHECKED}} checked{{/ISVOICEDIVIDE_CHECKED}}>
<label for="task-isVoiceDivide">开启语音分流</label>
</div>
<div class="form-grid field-group" id="group-voice" data-depends-on="isVoiceDivide">
{{>AUDIOBOTID}}
</div>
</fieldset>
<fieldset class="form-section">
<legend>文本短信</legend>
<div class="check">
<input id="task-isRelateSendMessage" type="checkbox" name="isRelateSendMessage" value="true" aria-controls="group-sms"{{#ISRELATESENDMESSAGE_CHECKED}} checked{{/ISRELATESENDMESSAGE_CHECKED}}>
<label for="task-isRelateSendMessage">关联文本短信</label>
</div>
<div class="form-grid field-group" id="group-sms" data-depends-on="isRelateSendMessage">
{{>MSGTEMPLATEID}}
{{>MSGTITLE}}
{{>SENDMESSAGEPHASE}}
</div>
</fieldset>
<fieldset class="form-section">
<legend>视频短信</legend>
<div class="check">
<input id="task-isRelateVideoMessage" type="checkbox" name="isRelateVideoMessage" value="true" aria-controls="group-video-sms"{{#ISRELATEVIDEOMESSAGE_CHECKED}} checked{{/ISRELATEVIDEOMESSAGE_CHECKED}}>
<label for="task-isRelateVideoMessage">关联视频短信</label>
</div>
<div class="form-grid field-group" id="group-video-sms" data-depends-on="isRelateVideoMessage">
{{>VIDEOMESSAGETEMPLATEID}}
{{>SENDVIDEOMESSAGEPHASE}}
</div>
</fieldset>
<fieldset class="form-section">
<legend>呼叫名单</legend>
<div class="field">
<label for="task-list">呼叫名单文件 <span class="field-req">必填</span></label>
<input id="task-list" type="file" name="list"{{#LIST_REQUIRED}} required{{/LIST_REQUIRED}} accept=".csv,.txt,.xlsx" aria-describedby="task-list-hint{{#KEPT}} task-list-kept{{/KEPT}}{{#LIST_ERROR}} task-list-error{{/LIST_ERROR}}"{{#LIST_ERROR}} aria-invalid="true"{{/LIST_ERROR}}>
<p class="field-hint" id="task-list-hint">支持 Excel .xlsx 与 CSV（UTF-8 或 GBK/GB18030）；第一行可为表头，手机号列名如「手机号」「电话」，姓名列如「姓名」，其余列作为备注回传。</p>
{{#KEPT}}
<div class="kept-file" id="task-list-kept">
<p class="field-hint">已保留上次选择的文件：<span class="file-name">{{KEPT_NAME}}</span>（{{KEPT_SIZE}}）。不再选择文件即使用它；选择新文件则替换它。</p>
<div class="check">
<input id="task-drop-upload" type="checkbox" name="drop_upload" value="true">
<label for="task-drop-upload">不使用这个文件</label>
</div>
</div>
{{/KEPT}}
{{#LIST_ERROR}}<p class="field-error" id="task-list-error">{{TEXT}}</p>{{/LIST_ERROR}}
</div>
</fieldset>
<fieldset class="form-section dup-rule">
<legend>重复号码</legend>
<p class="field-hint">免打扰名单中的号码总会被排除。名单内的重复号码只发送一次；还可以排除近期已发送过的号码。</p>
{{#DUP_ERROR}}<p class="field-error" id="task-dup-error">{{TEXT}}</p>{{/DUP_ERROR}}
<div class="field" role="radiogroup" aria-labelledby="task-dup-scope-label">
<span id="task-dup-scope-label" class="label">查重范围</span>
<label class="check"><input type="radio" name="dup_scope" value="list"{{#DUP_SCOPE_LIST}} checked{{/DUP_SCOPE_LIST}}> 仅本名单内</label>
<label class="check"><input type="radio" name="dup_scope" value="mine"{{#DUP_SCOPE_MINE}} checked{{/DUP_SCOPE_MINE}}> 本名单内，以及我近期发送过的号码</label>
<label class="check"><input type="radio" name="dup_scope" value="all"{{#DUP_SCOPE_ALL}} checked{{/DUP_SCOPE_ALL}}> 本名单内，以及任何人近期发送过的号码</label>
</div>
<div class="form-grid">
<div class="field">
<label for="task-dup-days">近期（天）</label>
<input id="task-dup-days" type="number" name="dup_days" min="1" max="365" value="{{DUP_DAYS_VALUE}}" aria-describedby="task-dup-days-hint">
<p class="field-hint" id="task-dup-days-hint">1 到 365 天，默认 {{DUP_DAYS_DEFAULT}} 天。</p>
</div>
<div class="field" role="radiogroup" aria-labelledby="task-dup-action-label">
<span id="task-dup-action-label" class="label">近期已发送的号码</span>
<label class="check"><input type="radio" name="dup_action" value="exclude"{{#DUP_EXCLUDE}} checked{{/DUP_EXCLUDE}}> 排除，不发送</label>
<label class="check"><input type="radio" name="dup_action" value="keep"{{#DUP_KEEP}} checked{{/DUP_KEEP}}> 保留，照常发送（只计数）</label>
</div>
</div>
</fieldset>
<div class="form-actions">
<button type="submit" class="btn btn-primary">上传并预览</button>
<a class="btn btn-secondary" href="/tasks">返回任务列表</a>
</div>
</form>
</div>
