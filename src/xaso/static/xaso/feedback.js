// xaso — citizen feedback pages: the extra questions of the chosen category, photo previews
// and the count check, the place (current position or a tap on the map). Everything here is
// an enhancement: without JavaScript the form still sends, with the address typed in.
"use strict";

(function () {
  // --- The chosen category's extra questions; the others are hidden and not sent.
  function setupCategories() {
    const radios = document.querySelectorAll('.fb-cat input[name="category"]');
    const groups = document.querySelectorAll(".fb-questions[data-category]");
    if (!radios.length || !groups.length) return;
    const update = () => {
      const chosen = document.querySelector('.fb-cat input[name="category"]:checked');
      groups.forEach((group) => {
        const on = Boolean(chosen) && group.dataset.category === chosen.value;
        group.hidden = !on;
        group.querySelectorAll("input, select, textarea").forEach((field) => {
          field.disabled = !on;
        });
      });
    };
    radios.forEach((radio) => radio.addEventListener("change", update));
    update();
  }

  // --- Photos: at most data-max files, shown as thumbnails before sending.
  function setupPhotos() {
    const input = document.getElementById("id_photos");
    if (!input) return;
    const field = document.getElementById("photo-field");
    if (field) field.classList.add("enhanced");
    const max = Number(input.dataset.max || 3);
    const error = document.getElementById("photos-error");
    const list = document.getElementById("photo-previews");
    input.addEventListener("change", () => {
      list.replaceChildren();
      if (input.files.length > max) {
        error.textContent = error.dataset.tooMany;
        error.hidden = false;
        input.value = "";
        return;
      }
      error.hidden = true;
      for (const file of input.files) {
        if (!file.type.startsWith("image/")) continue;
        const item = document.createElement("li");
        const image = document.createElement("img");
        image.alt = file.name;
        image.src = URL.createObjectURL(file);
        image.addEventListener("load", () => URL.revokeObjectURL(image.src), { once: true });
        item.append(image);
        list.append(item);
      }
    });
  }

  // --- The map: no tiles exist offline, so it draws a plain background and the commune's
  // residential-group boundaries (GeoJSON from the platform). No text labels: no glyphs.
  const STYLE_COLOURS = { background: "#eef2f1", group: "#1f4e79", marker: "#b3261e" };

  function mapStyle(boundariesUrl) {
    return {
      version: 8,
      sources: {
        groups: { type: "geojson", data: new URL(boundariesUrl, window.location.href).href },
      },
      layers: [
        {
          id: "background",
          type: "background",
          paint: { "background-color": STYLE_COLOURS.background },
        },
        {
          id: "groups-fill",
          type: "fill",
          source: "groups",
          paint: { "fill-color": STYLE_COLOURS.group, "fill-opacity": 0.07 },
        },
        {
          id: "groups-line",
          type: "line",
          source: "groups",
          paint: { "line-color": STYLE_COLOURS.group, "line-width": 1.4, "line-opacity": 0.7 },
        },
      ],
    };
  }

  function makeMap(box, options) {
    if (!box || !window.maplibregl) return null;
    box.hidden = false; // the map needs its size before it starts
    try {
      const map = new window.maplibregl.Map({
        container: box,
        style: mapStyle(box.dataset.boundaries),
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        ...options,
      });
      map.touchZoomRotate.disableRotation();
      map.addControl(new window.maplibregl.NavigationControl({ showCompass: false }));
      return map;
    } catch (error) {
      // No WebGL on this device: the other ways to give the place remain.
      box.hidden = true;
      return null;
    }
  }

  function setupLocation() {
    const latitude = document.getElementById("id_latitude");
    const longitude = document.getElementById("id_longitude");
    const status = document.getElementById("location-status");
    if (!latitude || !longitude || !status) return;
    const useButton = document.getElementById("use-location");
    const clearButton = document.getElementById("clear-location");
    const box = document.getElementById("fb-map");
    let marker = null;
    let groupsLoaded = false;

    const show = (text, kind) => {
      status.textContent = text;
      status.classList.toggle("picked", kind === "picked");
      status.classList.toggle("warn", kind === "warn");
    };

    let map = null;
    if (box && box.dataset.bounds) {
      const [west, south, east, north] = box.dataset.bounds.split(",").map(Number);
      map = makeMap(box, {
        bounds: [
          [west, south],
          [east, north],
        ],
        fitBoundsOptions: { padding: 12 },
      });
      if (!map && box.dataset.failed) show(box.dataset.failed, "warn");
    }

    const setPoint = (lngLat, { fly = false, place = "" } = {}) => {
      latitude.value = Number(lngLat.lat).toFixed(6);
      longitude.value = Number(lngLat.lng).toFixed(6);
      if (map) {
        if (!marker) marker = new window.maplibregl.Marker({ color: STYLE_COLOURS.marker });
        marker.setLngLat([Number(lngLat.lng), Number(lngLat.lat)]).addTo(map);
        if (fly) map.easeTo({ center: marker.getLngLat(), zoom: Math.max(map.getZoom(), 16) });
      }
      const where = place ? ` — ${place}` : "";
      show(`${status.dataset.picked}: ${latitude.value}, ${longitude.value}${where}`, "picked");
      if (clearButton) clearButton.hidden = false;
    };

    const clear = () => {
      latitude.value = "";
      longitude.value = "";
      if (marker) marker.remove();
      show(status.dataset.none || "", "");
      if (clearButton) clearButton.hidden = true;
    };

    if (map) {
      map.on("sourcedata", (event) => {
        if (event.sourceId === "groups" && event.isSourceLoaded) groupsLoaded = true;
      });
      map.on("click", (event) => {
        const hits = map.queryRenderedFeatures(event.point, { layers: ["groups-fill"] });
        if (groupsLoaded && !hits.length) {
          show(status.dataset.outside, "warn");
          return;
        }
        setPoint(event.lngLat, { place: hits.length ? hits[0].properties.name : "" });
      });
      map.once("load", () => {
        box.dataset.ready = "1"; // for tests and for anyone waiting on the map
        if (latitude.value && longitude.value) {
          setPoint({ lat: latitude.value, lng: longitude.value });
        }
      });
    }
    if (!latitude.value && !status.textContent.trim()) show(status.dataset.none || "", "");
    else if (latitude.value && clearButton) clearButton.hidden = false;

    if (clearButton) clearButton.addEventListener("click", clear);
    if (useButton && "geolocation" in navigator) {
      useButton.hidden = false;
      const label = useButton.textContent;
      useButton.addEventListener("click", () => {
        useButton.disabled = true;
        useButton.textContent = useButton.dataset.busy;
        navigator.geolocation.getCurrentPosition(
          (position) => {
            useButton.disabled = false;
            useButton.textContent = label;
            const { latitude: lat, longitude: lng } = position.coords;
            setPoint({ lat, lng }, { fly: true });
          },
          () => {
            useButton.disabled = false;
            useButton.textContent = label;
            show(useButton.dataset.denied, "warn");
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
        );
      });
    }
  }

  // --- The officials' report page: where the report is, read-only.
  function setupReadonlyMap() {
    const box = document.querySelector('#fb-map[data-readonly="1"]');
    if (!box || !box.dataset.point) return;
    const [lng, lat] = box.dataset.point.split(",").map(Number);
    const map = makeMap(box, { center: [lng, lat], zoom: 16 });
    if (!map) return;
    new window.maplibregl.Marker({ color: STYLE_COLOURS.marker }).setLngLat([lng, lat]).addTo(map);
    map.once("load", () => {
      box.dataset.ready = "1";
    });
  }

  // --- The page after sending: copy the private tracking link.
  function setupCopy() {
    const button = document.getElementById("copy-link");
    if (!button || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(button.dataset.copy).then(() => {
        button.textContent = button.dataset.done;
      });
    });
  }

  function start() {
    setupCategories();
    setupPhotos();
    setupLocation();
    setupReadonlyMap();
    setupCopy();
    const summary = document.getElementById("form-errors");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
