/* app.js: keeps a form from being sent twice; every page works without it. */
(function () {
	'use strict';

	var SENT = 'data-submitted';

	function submitButtons(form) {
		return form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]');
	}

	/* A second click (or Enter) while the first request is on its way
	 * would post the form again: a second task, a second upload. */
	document.addEventListener('submit', function (event) {
		var form = event.target;
		var buttons;
		var i;

		if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
			return;
		}
		/* A form whose answer is a download never leaves the page, so it
		 * opts out with data-resubmit. */
		if (form.hasAttribute('data-resubmit')) {
			return;
		}
		if (form.hasAttribute(SENT)) {
			event.preventDefault();
			return;
		}
		form.setAttribute(SENT, '');
		buttons = submitButtons(form);
		/* Disable after this event: a disabled button's name and value
		 * would be left out of the request being built now. */
		window.setTimeout(function () {
			for (i = 0; i < buttons.length; i++) {
				buttons[i].disabled = true;
			}
		}, 0);
	});

	/* Back from the next page (bfcache), the form must work again. */
	window.addEventListener('pageshow', function (event) {
		var forms;
		var buttons;
		var i;
		var j;

		if (!event.persisted) {
			return;
		}
		forms = document.querySelectorAll('form[' + SENT + ']');
		for (i = 0; i < forms.length; i++) {
			forms[i].removeAttribute(SENT);
			buttons = submitButtons(forms[i]);
			for (j = 0; j < buttons.length; j++) {
				buttons[j].disabled = false;
			}
		}
	});
}());
