// @ts-check
// The Playground's Service panel: what a service does to ask for approval (POST /api/v1/requests
// with an API key), sent from the page, and the same call as a curl command.

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Keeps the curl command in step with the key and body, and sends the request on "Send request".
 * @param {string} apiOrigin where the API is, as the curl command names it
 */
export function wireServicePanel(apiOrigin) {
  function curl() {
    const key = /** @type {HTMLInputElement} */ ($('pg-key')).value;
    const json = /** @type {HTMLTextAreaElement} */ ($('pg-body')).value.replace(/\s*\n\s*/g, ' ');
    $('pg-curl').textContent =
      `curl -X POST ${apiOrigin}/api/v1/requests \\\n  -H 'Authorization: Bearer ${key}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${json.replaceAll("'", "'\\''")}'`;
  }
  $('pg-key').addEventListener('input', curl);
  $('pg-body').addEventListener('input', curl);
  curl();

  $('pg-send').addEventListener('click', async () => {
    const key = /** @type {HTMLInputElement} */ ($('pg-key')).value;
    const answer = $('pg-answer');
    answer.textContent = 'Sending…';
    try {
      const response = await fetch('/api/v1/requests', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: /** @type {HTMLTextAreaElement} */ ($('pg-body')).value,
      });
      const text = await response.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {}
      answer.textContent = `HTTP ${response.status}\n${shown}`;
      answer.dataset.status = String(response.status);
    } catch (error) {
      answer.textContent = String(error);
    }
  });
}
