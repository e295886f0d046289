// The thank-you page on a fair's kiosk: counts down to an empty form for the next student,
// and a student can pause the countdown or skip it with "Next student" (without
// JavaScript that button is a plain link to the empty form). The time on screen changes
// every second; the status line screen readers hear changes only when the countdown
// starts, pauses and resumes.
(function () {
  "use strict";

  const box = document.querySelector("[data-kiosk-next]");
  if (!box) return;
  const next = box.querySelector("[data-kiosk-again]");
  const status = box.querySelector("[data-kiosk-status]");
  const timer = box.querySelector("[data-kiosk-timer]");
  const time = box.querySelector("[data-kiosk-time]");
  const pause = box.querySelector("[data-kiosk-pause]");
  const pauseLabel = pause.textContent;
  let left = Number(box.getAttribute("data-seconds")) * 1000;
  let deadline = 0;
  let pending = null;
  if (!(left > 0)) return;

  // Replace this page in the history: Back must not come back to it for the next student.
  function nextStudent() {
    window.location.replace(next.href);
  }

  function show(ms) {
    const seconds = Math.ceil(ms / 1000);
    time.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  // Wake on each whole second left, from the deadline: a late timer skips no time.
  function tick() {
    const ms = deadline - Date.now();
    if (ms <= 0) {
      nextStudent();
      return;
    }
    show(ms);
    pending = window.setTimeout(tick, ms % 1000 || 1000);
  }

  function run() {
    deadline = Date.now() + left;
    tick();
  }

  function stop() {
    window.clearTimeout(pending);
    pending = null;
    left = Math.max(0, deadline - Date.now());
  }

  function say(message) {
    status.textContent = message;
  }

  pause.addEventListener("click", function () {
    if (pending !== null) {
      stop();
      box.classList.add("is-paused");
      pause.textContent = pause.getAttribute("data-resume");
      say(status.getAttribute("data-paused"));
      status.classList.remove("visually-hidden"); // "Paused" is for everyone to see
    } else {
      box.classList.remove("is-paused");
      status.classList.add("visually-hidden");
      pause.textContent = pauseLabel;
      say(status.getAttribute("data-resumed"));
      run();
    }
  });

  next.addEventListener("click", function (event) {
    event.preventDefault();
    nextStudent();
  });

  // The visible countdown takes the place of the sentence written for pages without
  // JavaScript; the status line, shown again only while paused, announces it once.
  status.classList.add("visually-hidden");
  say(status.getAttribute("data-running"));
  timer.hidden = false;
  pause.hidden = false;
  run();
})();
