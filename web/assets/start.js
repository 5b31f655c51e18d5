// Starts the app. A file rather than an inline script, so the page's Content-Security-Policy
// can forbid inline scripts altogether.
import init from '/pkg/credence_web.js';
init();
