// xaso: small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.createElement("p");
  box.className = "error";
  box.setAttribute("role", "alert");
  box.textContent = "Không tải được dữ liệu (" + event.detail.xhr.status + "). Hãy thử lại.";
  event.detail.target.prepend(box);
});
