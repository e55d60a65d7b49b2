// Progressive enhancement only: every page works without this file.
import { initAll } from '/nhsuk/nhsuk-frontend.min.js';

initAll();

// "Copy" buttons next to values people need to paste elsewhere (new access tokens, invitation links).
for (const button of document.querySelectorAll('[data-copy-target]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const target = document.getElementById(button.getAttribute('data-copy-target'));
    if (!target) return;
    try {
      // A readonly input (share links) holds its text in value; a <code> block (tokens) in its text.
      await navigator.clipboard.writeText(
        (target instanceof HTMLInputElement ? target.value : target.textContent).trim(),
      );
      const status = document.getElementById(`${target.id}-status`);
      if (status) status.textContent = 'Copied to the clipboard';
    } catch {
      // Clipboard refused (permissions): the value is still on screen to select by hand.
    }
  });
}
