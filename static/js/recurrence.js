/*
 * Event form: the series fields (interval, weekdays, end of the series, excluded dates) only for a
 * series. Without JavaScript they stay visible with a note; here they are hidden while
 * „findet einmal statt“ is chosen and shown again as soon as a repetition is picked.
 */
(function () {
  "use strict";

  var details = document.getElementById("recurrence-details");
  if (!details) {
    return;
  }
  var radios = document.querySelectorAll('input[type="radio"][name="frequency"]');
  if (!radios.length) {
    return;
  }
  var note = document.getElementById("recurrence-note");

  function update() {
    var chosen = document.querySelector('input[type="radio"][name="frequency"]:checked');
    var isSeries = Boolean(chosen && chosen.value);
    // A field with an error stays visible, so the error summary's link always has a target.
    var hasError = Boolean(details.querySelector(".kern-error, [aria-invalid='true']"));
    details.hidden = !isSeries && !hasError;
    if (note) {
      note.hidden = true;
    }
  }

  for (var i = 0; i < radios.length; i++) {
    radios[i].addEventListener("change", update);
  }
  update();
})();
