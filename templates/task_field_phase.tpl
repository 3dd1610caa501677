{{%AUTOESCAPE context="HTML"}}
{{! task_field_phase.tpl: one "when to send" select of the task form, drawn from its row of src/fields.def; after a refused POST the reason sits under it. }}
<div class="field">
<label for="task-{{API}}">{{LABEL}}</label>
<select id="task-{{API}}" name="{{API}}"{{#ERROR}} aria-invalid="true" aria-describedby="task-{{API}}-error"{{/ERROR}}>
<option value="">不指定</option>
{{#OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/OPT}}
</select>
{{#ERROR}}<p class="field-error" id="task-{{API}}-error">{{TEXT}}</p>{{/ERROR}}
</div>
