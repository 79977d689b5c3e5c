// Share box: shows the "copy URL" button and copies the page's address.
// The page works without this script: the address stays selectable.
(function () {
  "use strict";
  var box = document.querySelector(".share__copy");
  if (!box || !navigator.clipboard) return;
  var input = box.querySelector(".share__url");
  var button = box.querySelector(".share__copy-button");
  if (!input || !button) return;
  var label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = button.getAttribute("data-copied") || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    }, function () {
      input.select();
    });
  });
  input.addEventListener("focus", function () { input.select(); });
})();
