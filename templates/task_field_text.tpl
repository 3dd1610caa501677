{{%AUTOESCAPE context="HTML"}}
{{! task_field_text.tpl: one text field of the task form, drawn from its row of src/fields.def (id and name are the vendor's field name); after a refused POST the reason sits under it. }}
<div class="field">
<label for="task-{{API}}">{{LABEL}}{{#BADGE}} <span class="field-req">{{TEXT}}</span>{{/BADGE}}</label>
<input id="task-{{API}}" type="text" name="{{API}}" value="{{VALUE}}"{{#REQUIRED}} required{{/REQUIRED}} maxlength="{{MAXLENGTH}}" autocomplete="off"{{#NO_SPELLCHECK}} spellcheck="false"{{/NO_SPELLCHECK}}{{#ERROR}} aria-invalid="true" aria-describedby="task-{{API}}-error"{{/ERROR}}>
{{#ERROR}}<p class="field-error" id="task-{{API}}-error">{{TEXT}}</p>{{/ERROR}}
</div>
