// The officer's to-do list: ask the phone where it is once, then reload the list nearest first
// (?lat=&lng=). Without permission or a fix, the list stays ordered by code, as the page says.
(function () {
  "use strict";
  const button = document.querySelector("[data-todo-locate]");
  if (!button || !("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const url = new URL(window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(5));
        url.searchParams.set("lng", position.coords.longitude.toFixed(5));
        window.location.assign(url.toString());
      },
      () => {
        button.disabled = false;
        const status = document.querySelector("[data-todo-status]");
        if (status) {
          status.textContent = status.dataset.failed;
        }
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
})();
