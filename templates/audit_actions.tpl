{{%AUTOESCAPE context="HTML"}}
{{! audit_actions.tpl: the action <option>s of the audit filter, expanded once per selected action and kept by the worker (page_audit.c). }}
<option value="">全部操作</option>
{{#ACTION_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/ACTION_OPT}}
