// xaso — procedure page: the "print this page" button (hidden until this script can serve it;
// without JavaScript the browser's own print command prints the same one-page sheet).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
