// The dashboard's search and its commune / EPCI pages, from data/territoires.js (offline:
// a script file, since browsers do not let file:// pages fetch data).
(function () {
  "use strict";
  // Labels and class names come with the data, from the observatory's indicator catalogue.
  var data = window.OBSERVATOIRE || {communes: {}, epcis: {}, libelles: {}, classes: {}};
  var labels = data.libelles;
  var number = function (value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
    return new Intl.NumberFormat("fr-FR", {maximumFractionDigits: digits || 0,
                                           minimumFractionDigits: digits || 0}).format(value);
  };

  // Names compared without case or accents: « beauelles » finds « Beauelles-sur-Loire ».
  function plain(value) {
    return String(value).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function fillSearch() {
    var list = document.getElementById("liste-territoires");
    var input = document.getElementById("recherche");
    if (!list || !input) { return; }
    var targets = {};
    var entries = [];
    [["communes", "commune.html"], ["epcis", "epci.html"]].forEach(function (kind) {
      Object.keys(data[kind[0]]).forEach(function (code) {
        var item = data[kind[0]][code];
        var label = item.nom + " (" + (kind[0] === "communes" ? "commune " : "EPCI ") + code + ")";
        var option = document.createElement("option");
        option.value = label;
        list.appendChild(option);
        targets[label] = kind[1] + "#" + code;
        entries.push({code: code, name: plain(item.nom), population: item.population || 0, target: kind[1] + "#" + code});
      });
    });
    Object.keys(data.zones || {}).forEach(function (id) {  // each zone of each zoning: its diagnostic
      var item = data.zones[id];
      var label = item.nom + " (" + item.zonage + ")";
      var option = document.createElement("option");
      option.value = label;
      list.appendChild(option);
      targets[label] = item.page;
      entries.push({code: item.code, name: plain(item.nom), population: item.population || 0, target: item.page});
    });
    var message = document.getElementById("recherche-message");
    function go() {
      var wanted = plain(input.value);
      if (!wanted) { return; }
      var target = targets[input.value];
      if (!target) {  // a code; else the name itself, then a name starting so, then one holding the text
        var rank = function (e) {
          return e.code.toLowerCase() === wanted || e.name === wanted ? 0
            : e.name.indexOf(wanted) === 0 ? 1 : e.name.indexOf(wanted) !== -1 ? 2 : 3;
        };
        var found = entries.filter(function (e) { return rank(e) < 3; });
        found.sort(function (a, b) { return rank(a) - rank(b) || b.population - a.population; });
        target = found.length ? found[0].target : null;
      }
      if (target) {
        window.location.href = target;
      } else if (message) {
        message.textContent = "Aucun territoire ne correspond à « " + input.value + " ».";
      }
    }
    input.addEventListener("change", go);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { go(); } });
  }

  // Ranked tables (« Où agir ») : a click on a column title sorts, the filters hide rows.
  function setupRankings() {
    document.querySelectorAll("table.classement").forEach(function (table) {
      table.querySelectorAll("th button[data-key]").forEach(function (button) {
        button.addEventListener("click", function () {
          var key = button.getAttribute("data-key");
          var header = button.parentNode;
          var descending = header.getAttribute("aria-sort") !== "descending";
          table.querySelectorAll("th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
          header.setAttribute("aria-sort", descending ? "descending" : "ascending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
            if (x === "" || x === null) { return 1; }  // unknown or secret values last
            if (y === "" || y === null) { return -1; }
            return descending ? Number(y) - Number(x) : Number(x) - Number(y);
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
    var population = document.getElementById("filtre-population");
    var kind = document.getElementById("filtre-classe");
    var table = document.getElementById("classement-communes");
    var count = document.getElementById("compte-communes");
    if (!population || !kind || !table) { return; }
    function filter() {
      var minimum = Number(population.value) || 0;
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible = Number(row.getAttribute("data-population") || 0) >= minimum
          && (!kind.value || row.getAttribute("data-classe") === kind.value);
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = shown + " communes affichées sur " + table.tBodies[0].rows.length + ".";
    }
    population.addEventListener("input", filter);
    kind.addEventListener("change", filter);
    filter();
  }

  // Names come from source files: untrusted. Every node is built with textContent and
  // attributes set one by one, never by parsing data as HTML.
  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function link(page, code, label) {
    return element("a", label, {href: page + "#" + encodeURIComponent(code)});
  }

  // A missing figure says why: secret statistique, aucun médecin, or data absent (a partial
  // register's « non disponible » comes first).
  function absent(item, field) {
    return (!item.motif && item.absences && item.absences[field]) || "–";
  }

  // A sheet's figures come with its département's script (data/fiches/<code>.js), loaded
  // when a sheet of that département is opened: France's in one file would weigh 15 MB.
  function withSheets(departement, then) {
    var loaded = window.OBSERVATOIRE_FICHES || {};
    if (loaded[departement]) { then(loaded[departement]); return; }
    var script = document.createElement("script");
    script.src = "data/fiches/" + encodeURIComponent(departement) + ".js";
    script.onload = function () { then((window.OBSERVATOIRE_FICHES || {})[departement]); };
    document.head.appendChild(script);
  }

  function renderTerritory() {
    var sheet = document.getElementById("fiche");
    if (!sheet) { return; }
    var kind = sheet.getAttribute("data-kind");
    var kinds = kind === "commune" ? "communes" : "epcis";
    var code = decodeURIComponent(window.location.hash.slice(1));
    if (!Object.prototype.hasOwnProperty.call(data[kinds], code)) { return; }
    withSheets(data[kinds][code].dep, function (sheets) {
      if (sheets && Object.prototype.hasOwnProperty.call(sheets[kinds], code)) {
        drawSheet(sheet, kind, code, sheets[kinds][code], sheets);
      }
    });
  }

  function drawSheet(sheet, kind, code, item, sheets) {
    document.title = item.nom + " · " + document.title.split(" · ").slice(-1)[0];
    var rows = [
      [labels.population, number(item.population)],
      [labels.gps, number(item.gps)],
      [labels.densite, number(item.densite, 1)],
      [labels.part55, item.part55 === null ? absent(item, "part55") : number(item.part55 * 100)],
      [labels.apl, item.apl === null ? absent(item, "apl") : number(item.apl, 2)],
      [labels.classe, data.classes[item.classe] || data.classes.unclassified],
      [labels.departs5, item.departs5 === null ? absent(item, "departs5") : number(item.departs5)],
      [labels.departs10, item.departs10 === null ? absent(item, "departs10") : number(item.departs10)]
    ];
    if (item.apl_officielle !== undefined) {
      rows.splice(5, 0, [labels.apl_officielle + " – " + item.annee_officielle, number(item.apl_officielle, 2)]);
    }
    if (item.minutes !== undefined) {
      rows.push([labels.minutes, item.minutes === null ? absent(item, "minutes") : number(item.minutes)]);
    }
    if (item.motif) {  // a partial register: its figures are not figures
      rows = rows.map(function (pair) {
        return pair[1] === "–" ? [pair[0], "non disponible (" + item.motif + ")"] : pair;
      });
    }
    var heading = element("h3", item.nom + " (" + code + ")");
    var context = element("p");
    if (item.epci) {
      context.appendChild(document.createTextNode("EPCI\u00a0: "));
      context.appendChild(link("epci.html", item.epci, item.epci_nom));
    }
    if (item.communes) {
      context.appendChild(document.createTextNode("Communes\u00a0: "));
      item.communes.forEach(function (c, index) {
        if (index) { context.appendChild(document.createTextNode(", ")); }
        context.appendChild(link("commune.html", c, data.communes[c] ? data.communes[c].nom : c));
      });
    }
    var body = element("tbody");
    rows.forEach(function (pair) {
      var tr = element("tr");
      tr.appendChild(element("th", pair[0], {scope: "row"}));
      tr.appendChild(element("td", pair[1], {"class": "n"}));
      body.appendChild(tr);
    });
    var table = element("table", null, {"class": "chiffres"});
    table.appendChild(body);
    sheet.replaceChildren(heading, context, table, references(kind, item, sheets));
    var staff = professions(item);
    if (staff) { sheet.appendChild(staff); }
    if (data.reperes) {  // the CNAM's density of the département, its région and France
      sheet.appendChild(element("p", data.reperes, {"class": "note reperes-cnam"}));
    }
    if (item.serie && item.serie.length && window.Plotly) {
      var dates = item.serie.map(function (p) { return p[0]; });
      // One measure per chart, each axis from zero: no dual axis to misread.
      [["serie-territoire", 1, labels.gps, "#0072B2"], ["serie-territoire-apl", 2, labels.apl, "#D55E00"]]
        .forEach(function (chart) {
          window.Plotly.newPlot(chart[0], [
            {x: dates, y: item.serie.map(function (p) { return p[chart[1]]; }), name: chart[2],
             mode: "lines+markers", marker: {color: chart[3]}}
          ], {title: {text: chart[2]}, separators: ",\u202f", height: 300,
              xaxis: {tickformat: "%m/%Y", hoverformat: "%d/%m/%Y"},
              yaxis: {rangemode: "tozero"}, showlegend: false},
            data.plotly_config);  // the site's one configuration (offline.PLOTLY_CONFIG)
        });
    }
  }

  // Every profession the register holds in the unit: headcount and density, or why there is none.
  function professions(item) {
    if (!item.professions || !item.professions.length) { return null; }
    var head = element("tr");
    [labels.profession, labels.effectif, labels.densite_profession].forEach(function (title) {
      head.appendChild(element("th", title, {scope: "col"}));
    });
    var body = element("tbody");
    item.professions.forEach(function (row) {
      var tr = element("tr");
      tr.appendChild(element("th", data.professions[row[0]] || row[0], {scope: "row"}));
      if (row[3]) {
        tr.appendChild(element("td", "non disponible (" + row[3] + ")", {"class": "n", colspan: "2"}));
      } else {
        tr.appendChild(element("td", number(row[1]), {"class": "n"}));
        tr.appendChild(element("td", number(row[2], 1), {"class": "n"}));
      }
      body.appendChild(tr);
    });
    var table = element("table", null, {"class": "professions"});
    table.appendChild(element("caption", "Professionnels de santé au registre"));
    var thead = element("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    table.appendChild(body);
    return table;
  }

  // The sheet's figures beside its EPCI's and its département's: the same measures, side by side.
  function references(kind, item, sheets) {
    var places = [[item.nom, item]];
    if (kind === "commune" && item.epci && sheets.epcis[item.epci]) {
      places.push([sheets.epcis[item.epci].nom, sheets.epcis[item.epci]]);
    }
    if (item.dep && data.departements && data.departements[item.dep]) {
      places.push([data.departements[item.dep].nom, data.departements[item.dep]]);
    }
    var shown = function (place, value) { return place.motif ? "non disponible" : value; };
    var head = element("tr");
    head.appendChild(element("th", "Repères", {scope: "col"}));
    places.forEach(function (place) { head.appendChild(element("th", place[0], {scope: "col"})); });
    var rows = [[labels.densite, function (p) { return shown(p, number(p.densite, 1)); }],
                [labels.apl, function (p) { return shown(p, p.apl === null ? absent(p, "apl") : number(p.apl, 2)); }],
                [labels.part55, function (p) { return shown(p, p.part55 === null ? absent(p, "part55") : number(p.part55 * 100)); }]];
    var body = element("tbody");
    rows.forEach(function (row) {
      var tr = element("tr");
      tr.appendChild(element("th", row[0], {scope: "row"}));
      places.forEach(function (place) { tr.appendChild(element("td", row[1](place[1]), {"class": "n"})); });
      body.appendChild(tr);
    });
    var thead = element("thead");
    thead.appendChild(head);
    var table = element("table", null, {"class": "reperes"});
    table.appendChild(thead);
    table.appendChild(body);
    return table;
  }

  // A click on a commune (or an EPCI) of a map opens its sheet; on a zone, its diagnostic; on a
  // département, its map.
  function linkMaps() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (map) {
      if (!map.on) { return; }
      map.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0];
        if (!point || typeof point.location !== "string") { return; }
        var code = point.location;
        var has = function (kind) { return Object.prototype.hasOwnProperty.call(data[kind] || {}, code); };
        if (has("zones")) {  // a zone of a zoning (its id « zoning:code »): its diagnostic
          window.location.href = data.zones[code].page;
        } else if (has("communes") || has("epcis")) {
          window.location.href = (has("communes") ? "commune.html" : "epci.html") + "#" + encodeURIComponent(code);
        } else if (has("departements") && /^[0-9AB]{2,3}$/.test(code)) {  // France's overview: its communes' map
          window.location.href = "cartes-" + code + ".html";
        }
      });
    });
  }

  // The maps page's selector: shows one layer of the map, its title, its sources and its
  // summary for screen readers; the address (cartes.html#apl) keeps the layer chosen.
  function setupLayers() {
    var select = document.getElementById("choix-carte");
    if (!select) { return; }
    var map = document.getElementById(select.getAttribute("data-carte"));
    var layers = JSON.parse(select.getAttribute("data-calques"));
    var figure = map.closest("figure");
    function show(key) {
      var layer = layers[key];
      if (!layer || !window.Plotly) { return; }
      select.value = key;
      window.Plotly.restyle(map, {visible: layer.visible});
      document.getElementById("titre-carte").textContent = layer.titre;
      figure.querySelector("figcaption").textContent = layer.source;
      figure.querySelector("[role=img]").setAttribute("aria-label", layer.titre
        + ". Carte ; les valeurs sont dans les tableaux des pages Communes et EPCI et Où agir.");
    }
    select.addEventListener("change", function () {
      show(select.value);
      window.history.replaceState(null, "", "#" + select.value);
    });
    if (map.offsetWidth < 600 && window.Plotly) {  // a phone: a map as tall as it is wide, not 720 px of margins
      var height = Math.round(map.offsetWidth * 0.9) + 200;
      map.style.height = height + "px";
      window.Plotly.relayout(map, {height: height});
    }
    var asked = decodeURIComponent(window.location.hash.slice(1));
    if (Object.prototype.hasOwnProperty.call(layers, asked)) { show(asked); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillSearch();
    setupRankings();
    renderTerritory();
    linkMaps();
    setupLayers();
    window.addEventListener("hashchange", renderTerritory);
  });
}());
