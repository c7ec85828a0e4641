/*
 * "Show password" (ASVS 2.1.12), as progressive enhancement: each button is in the page with the
 * `hidden` attribute, so without this script it is neither shown nor reachable, and the field is a
 * plain password field. A static file from the pages' own origin: the CSP allows no inline script.
 */
'use strict';

for (const button of document.querySelectorAll('button[data-show-password]')) {
  const input = document.getElementById(button.getAttribute('aria-controls') || '');
  if (!(input instanceof HTMLInputElement)) continue;
  const show = (visible) => {
    input.type = visible ? 'text' : 'password';
    button.setAttribute('aria-pressed', String(visible));
  };
  button.hidden = false;
  button.addEventListener('click', () => show(input.type === 'password'));
  // Sent masked again, so the browser and password managers see a password field on submit.
  if (input.form) input.form.addEventListener('submit', () => show(false));
}
