// Suggestions as you type for the "Organization page" field of the position
// forms: the pages whose name or address begin with what was typed, as
// options of the field's datalist whose value is the page's address.
// Without this script, or while the suggestions do not answer, the field is
// a plain text field for the address.
"use strict";

(() => {
  const organizationSuggestions = (input) => {
    const datalist = input.list;
    if (!datalist) return;
    let current = null;
    input.addEventListener("input", () => {
      if (current) current.abort();
      current = null;
      const text = input.value.trim();
      if (text === "") {
        datalist.replaceChildren();
        return;
      }
      // Each keystroke aborts the request before it, so that a slow answer
      // to an older keystroke never replaces the answer to a newer one.
      const mine = new AbortController();
      current = mine;
      fetch("/api/v1/typeahead/organizations?q=" + encodeURIComponent(text), {
        signal: mine.signal, credentials: "same-origin", headers: { Accept: "application/json" },
      })
        .then((r) => (r.ok ? r.json() : null))
        .then((body) => {
          if (current !== mine) return;
          const found = body && Array.isArray(body.organizations) ? body.organizations : [];
          datalist.replaceChildren(...found.map((o) => {
            const option = document.createElement("option");
            option.value = o.slug;
            option.label = [o.name, o.industry, o.location].filter(Boolean).join(" · ");
            return option;
          }));
        })
        .catch(() => {
          // An aborted request has a newer one behind it; a failed one
          // leaves the field as it is, still usable as a plain input.
        });
    });
  };

  document.querySelectorAll('input[data-suggest="organizations"]').forEach(organizationSuggestions);
})();
