// xaso: small progressive enhancements; every page works without JavaScript.

function showLoadError(target, text) {
  // One message at a time: a second failure replaces the first instead of stacking up.
  const old = target.querySelector(":scope > .load-error");
  if (old) old.remove();
  const box = document.createElement("p");
  box.className = "error load-error";
  box.setAttribute("role", "alert");
  box.textContent = text;
  target.prepend(box);
}

document.addEventListener("htmx:responseError", (event) => {
  showLoadError(event.detail.target,
    "Không tải được dữ liệu (lỗi " + event.detail.xhr.status + "). Hãy thử lại.");
});

document.addEventListener("htmx:sendError", (event) => {
  showLoadError(event.detail.target,
    "Không kết nối được tới máy chủ. Hãy kiểm tra mạng rồi thử lại.");
});

// When the session has ended, a partial request is redirected to the login page: go there
// as a whole page instead of drawing the login form inside the results.
document.addEventListener("htmx:beforeSwap", (event) => {
  const loginPath = document.body.dataset.loginUrl;
  const responseUrl = event.detail.xhr.responseURL;
  if (!loginPath || !responseUrl) return;
  const landed = new URL(responseUrl, window.location.href);
  if (landed.pathname === loginPath && window.location.pathname !== loginPath) {
    // The redirect already carries ?next= with the address that was asked for.
    event.detail.shouldSwap = false;
    window.location.assign(landed.href);
  }
});
