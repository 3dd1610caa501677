/* task-form.js: on the new-task form, shows the fields that depend on a
 * checkbox only while it is ticked, and asks for a file again when the
 * operator says not to use the one kept on the server. Without script
 * every field shows and the server decides; nothing here clears or
 * disables what was typed, so unticking and ticking again gives the same
 * values back. */
(function () {
	'use strict';

	/* The controlling checkbox of a group: the one of the same form whose
	 * name the group's data-depends-on names. */
	function controller(group) {
		var name = group.getAttribute('data-depends-on');
		var scope = group.closest('form') || document;
		var boxes;
		var i;

		if (!name) {
			return null;
		}
		boxes = scope.querySelectorAll('input[type="checkbox"]');
		for (i = 0; i < boxes.length; i++) {
			if (boxes[i].name === name) {
				return boxes[i];
			}
		}
		return null;
	}

	function sync(group, box) {
		group.hidden = !box.checked;
	}

	function bind(group) {
		var box = controller(group);

		if (box === null) {
			return null;
		}
		sync(group, box);
		box.addEventListener('change', function () {
			sync(group, box);
		});
		return function () {
			sync(group, box);
		};
	}

	/* A file kept after a refused submission stands in for the file
	 * input; "不使用这个文件" makes the input required again. */
	function bindKept() {
		var drop = document.querySelector('input[name="drop_upload"]');
		var file = document.querySelector('input[type="file"][name="list"]');

		if (drop === null || file === null) {
			return;
		}
		function sync() {
			file.required = drop.checked;
		}
		sync();
		drop.addEventListener('change', sync);
		window.addEventListener('pageshow', sync);
	}

	function start() {
		var groups = document.querySelectorAll('[data-depends-on]');
		var resyncs = [];
		var f;
		var i;

		bindKept();

		for (i = 0; i < groups.length; i++) {
			f = bind(groups[i]);
			if (f !== null) {
				resyncs.push(f);
			}
		}
		if (resyncs.length === 0) {
			return;
		}
		/* Back to this page, the browser restores ticks without a change
		 * event; follow them. */
		window.addEventListener('pageshow', function () {
			var j;

			for (j = 0; j < resyncs.length; j++) {
				resyncs[j]();
			}
		});
	}

	if (document.readyState === 'loading') {
		document.addEventListener('DOMContentLoaded', start);
	} else {
		start();
	}
}());
