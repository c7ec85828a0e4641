/*
 * Password strength meter (ASVS 2.1.8), as progressive enhancement: the meter is in the page with the
 * `hidden` attribute and shown only when this script and @zxcvbn-ts (MIT, static/vendor/) have loaded.
 * The estimate runs in the browser, so the password is not sent anywhere while it is typed. It only
 * advises: the server's rules (length, common and breached passwords) decide.
 */
'use strict';

(function () {
  const lib = window.zxcvbnts;
  if (!lib || !lib.core || !lib['language-common']) return;
  const common = lib['language-common'];
  const estimator = new lib.core.ZxcvbnFactory({
    dictionary: common.dictionary,
    graphs: common.adjacencyGraphs,
    useLevenshteinDistance: true,
  });
  const WORDS = [
    'very weak: easy to guess',
    'weak: easy to guess',
    'fair: could be guessed',
    'good: hard to guess',
    'strong: very hard to guess',
  ];
  for (const box of document.querySelectorAll('[data-strength-for]')) {
    const input = document.getElementById(box.getAttribute('data-strength-for') || '');
    const meter = box.querySelector('meter');
    const label = box.querySelector('p');
    if (!(input instanceof HTMLInputElement) || !meter || !label) continue;
    const update = () => {
      const password = input.value;
      if (password === '') {
        meter.value = 0;
        label.textContent = 'Password strength: not typed yet.';
        return;
      }
      const score = estimator.check(password).score;
      meter.value = score;
      label.textContent =
        'Password strength: ' + WORDS[score] + (score < 3 ? '. Add another word or two.' : '.');
    };
    // The live region is read after a pause in typing, not on every key.
    let timer = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(update, 200);
    });
    box.hidden = false;
    update();
  }
})();
