// Streams an explanation into the page: POST the form with fetch() (CSRF token and photo included),
// read the server-sent events as they arrive, append tokens, then show sources and feedback. When the
// answer is finished the focus moves to it (the status line announces "Explanation ready."), and after
// feedback to the message that says what changes, so keyboard and screen-reader users land on them.
(function () {
  "use strict";

  function show(section, statusText) {
    section.hidden = false;
    section.querySelector(".answer-status").textContent = statusText;
  }

  function errorsText(payload) {
    const errors = (payload && payload.errors) || {};
    return Object.values(errors).flat().map((e) => (typeof e === "string" ? e : e.message)).join(" ");
  }

  async function stream(form) {
    const section = document.getElementById(form.dataset.target);
    const text = section.querySelector(".answer-text");
    const footer = section.querySelector(".answer-footer");
    const button = form.querySelector("button[type=submit]");
    text.textContent = "";
    footer.innerHTML = "";
    text.setAttribute("aria-busy", "true");
    button.disabled = true;
    show(section, "Thinking…");
    try {
      const response = await fetch(form.dataset.stream, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "text/event-stream" },
      });
      if (!response.ok) {
        let payload = null;
        try { payload = await response.json(); } catch (_) { /* not JSON */ }
        show(section, errorsText(payload) || "Something went wrong; please try again.");
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let boundary;
        while ((boundary = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data) handle(JSON.parse(data), { section, text, footer, form });
        }
      }
    } catch (_) {
      show(section, "The connection was interrupted; please try again.");
    } finally {
      text.setAttribute("aria-busy", "false");
      button.disabled = false;
    }
  }

  function handle(event, ui) {
    if (event.event === "token") {
      // Each sentence arrives once it has been checked against the course; the composed answer replaces them.
      if (!ui.text.textContent) show(ui.section, "Checking each sentence against your course materials…");
      ui.text.append(event.text);
    } else if (event.event === "done") {
      const explanation = event.explanation || {};
      ui.text.textContent = explanation.text || ui.text.textContent;
      ui.footer.innerHTML = event.html || "";
      if (window.htmx) window.htmx.process(ui.footer);
      const conversation = ui.form.querySelector("input[name=conversation_id]");
      if (conversation && explanation.conversation_id) conversation.value = explanation.conversation_id;
      ui.text.setAttribute("aria-busy", "false");
      show(ui.section, "Explanation ready.");
      ui.text.focus({ preventScroll: true });
      ui.section.scrollIntoView({ block: "start", behavior: "auto" });
    } else if (event.event === "error") {
      show(ui.section, event.message || "The explanation failed; please try again.");
    }
  }

  // The feedback form is replaced by what the feedback changed (portal/_feedback_thanks.html): focus it.
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll(".answer-footer .feedback-thanks:not([data-announced])").forEach((thanks) => {
      thanks.dataset.announced = "true";
      thanks.focus();
    });
  });

  document.querySelectorAll("form[data-stream]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      stream(form);
    });
  });
})();
