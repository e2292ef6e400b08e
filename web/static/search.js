// Suggestions as you type: members in the search box of the header, following
// the WAI-ARIA combobox pattern (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/),
// and schools in the school fields. Without this script the header box is a
// plain search form and a school field a plain text field.
"use strict";

(() => {
  const ordinals = { 1: "1st", 2: "2nd", 3: "3rd" };

  // latest asks the API for one field. Each request aborts the one before, so
  // that a keystroke costs one round trip and a slow answer to an older
  // keystroke never replaces the answer to a newer one. done gets the decoded
  // body, or null when the request was refused.
  const latest = () => {
    let current = null;
    return {
      get(url, done) {
        if (current) current.abort();
        const mine = new AbortController();
        current = mine;
        fetch(url, { signal: mine.signal, credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : null))
          .then((body) => { if (current === mine) done(body); })
          .catch((err) => {
            // An aborted request has a newer one behind it; a failed one
            // leaves the field as it is, still usable as a plain input.
            if (err.name !== "AbortError" && current === mine) done(null);
          });
      },
      cancel() {
        if (current) current.abort();
        current = null;
      },
    };
  };

  const span = (className, text) => {
    const s = document.createElement("span");
    s.className = className;
    s.textContent = text;
    return s;
  };

  const mutuals = (n) => (n === 1 ? "1 mutual connection" : n + " mutual connections");

  // memberCombobox turns the header's search box into a combobox whose
  // listbox suggests members, the caller's network first as the API orders
  // them, then organizations. Enter on a highlighted suggestion opens that
  // profile or page; Enter with none highlighted submits the form to the
  // results page.
  const memberCombobox = (input) => {
    const list = document.getElementById(input.dataset.listbox);
    const status = document.getElementById(input.dataset.status);
    if (!list || !status) return;
    const search = latest();
    let members = [];
    let options = [];
    let active = -1;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    const highlight = (i) => {
      active = i;
      options.forEach((o, j) => o.setAttribute("aria-selected", j === i ? "true" : "false"));
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };
    const open = () => {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    };
    const close = () => {
      highlight(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    };
    // leaving is set once a suggestion is chosen, so that the form, which
    // an Enter may still submit after its keydown was handled (a keypress
    // synthesized on its own), does not go to the results page instead.
    let leaving = false;
    const go = (i) => {
      leaving = true;
      close();
      window.location.assign(members[i].href);
    };
    if (input.form) {
      input.form.addEventListener("submit", (e) => {
        if (leaving) e.preventDefault();
      });
    }
    // show lists the members, then the organizations, of one answer.
    const show = (body) => {
      const people = (body && body.members) || [];
      const orgs = (body && body.organizations) || [];
      members = people.map((m) => ({ ...m, href: "/in/" + encodeURIComponent(m.handle) }))
        .concat(orgs.map((o) => ({ display_name: o.name, headline: [o.industry, o.location].filter(Boolean).join(" · "),
          organization: true, href: "/org/" + encodeURIComponent(o.slug) })));
      list.replaceChildren();
      members.forEach((m, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.append(span("suggestion-name", m.display_name));
        if (m.organization) li.append(span("degree", " · Organization"));
        if (m.degree) {
          const badge = span("degree", " · " + ordinals[m.degree]);
          badge.title = ordinals[m.degree] + "-degree connection";
          li.append(badge);
        }
        const detail = [m.headline, m.mutual_count ? mutuals(m.mutual_count) : ""].filter(Boolean).join(" · ");
        if (detail) li.append(span("suggestion-detail", detail));
        // Keep the focus in the box, so that the list stays open for the click.
        li.addEventListener("mousedown", (e) => e.preventDefault());
        li.addEventListener("click", () => go(i));
        list.append(li);
      });
      options = Array.from(list.children);
      highlight(-1);
      if (members.length > 0) {
        open();
        status.textContent = (members.length === 1 ? "1 suggestion" : members.length + " suggestions") +
          ". Use the up and down arrow keys to choose.";
      } else {
        close();
        status.textContent = "No suggestions.";
      }
    };
    const clear = () => {
      search.cancel();
      list.setAttribute("aria-busy", "false");
      members = [];
      options = [];
      list.replaceChildren();
      close();
      status.textContent = "";
    };

    input.addEventListener("input", () => {
      const text = input.value.trim();
      if (text === "") {
        clear();
        return;
      }
      // The list is busy until the answer to the latest keystroke is shown.
      list.setAttribute("aria-busy", "true");
      search.get("/api/v1/typeahead?q=" + encodeURIComponent(text), (body) => {
        show(body);
        list.setAttribute("aria-busy", "false");
      });
    });
    input.addEventListener("keydown", (e) => {
      if (e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return;
      switch (e.key) {
        case "ArrowDown":
          if (options.length === 0) return;
          e.preventDefault();
          if (list.hidden) {
            open();
            highlight(0);
          } else {
            highlight(active + 1 < options.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          if (options.length === 0) return;
          e.preventDefault();
          if (list.hidden) {
            open();
            highlight(options.length - 1);
          } else {
            highlight(active > 0 ? active - 1 : options.length - 1);
          }
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            e.preventDefault();
            go(active);
          } else {
            search.cancel(); // the form goes to the results page
            close();
          }
          break;
        case "Escape":
          if (!list.hidden) {
            e.preventDefault();
            close();
          } else if (input.value !== "") {
            e.preventDefault();
            input.value = "";
            clear();
          }
          break;
        case "Tab":
          close();
          break;
      }
    });
    input.addEventListener("blur", close);
    // A page restored from the back-forward cache shows the list closed.
    window.addEventListener("pageshow", () => {
      leaving = false;
      close();
    });
  };

  // schoolSuggestions fills the datalist of a school field with the schools
  // members name, as the member types.
  const schoolSuggestions = (input) => {
    const datalist = input.list;
    if (!datalist) return;
    const search = latest();
    input.addEventListener("input", () => {
      const text = input.value.trim();
      if (text === "") {
        search.cancel();
        datalist.replaceChildren();
        return;
      }
      search.get("/api/v1/typeahead/schools?q=" + encodeURIComponent(text), (body) => {
        datalist.replaceChildren(...(body ? body.schools : []).map((s) => {
          const o = document.createElement("option");
          o.value = s.name;
          o.label = s.members === 1 ? "1 member" : s.members + " members";
          return o;
        }));
      });
    });
  };

  document.querySelectorAll('input[data-suggest="members"]').forEach(memberCombobox);
  document.querySelectorAll('input[data-suggest="schools"]').forEach(schoolSuggestions);
})();
