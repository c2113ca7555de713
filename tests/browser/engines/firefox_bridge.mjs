// Firefox ESR for the Python tests: puppeteer-core over WebDriver BiDi, driven by one JSON line per command.
//
// stdin:  {"id": 1, "op": "newPage", ...}    one command per line
// stdout: {"id": 1, "value": ...} or {"id": 1, "error": "..."}, and {"event": "request"|"console", "page": n, "text": ...}
// The browser starts with the first line ({"op": "launch", "executablePath": ..., "prefs": {...}}) and closes when
// stdin ends, so a test run that dies never leaves a Firefox behind.

import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
const pages = new Map();
let nextPage = 1;

function emit(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function pageOf(command) {
  const page = pages.get(command.page);
  if (!page) throw new Error(`no page ${command.page}`);
  return page;
}

// Calls a function given as source text with one JSON argument, awaiting a promise it returns.
function call(source, arg) {
  return `(${source})(${JSON.stringify(arg ?? null)})`;
}

const ops = {
  async launch(command) {
    browser = await puppeteer.launch({
      browser: "firefox",
      protocol: "webDriverBiDi",
      executablePath: command.executablePath,
      headless: false, // headless Firefox has no WebGL here, and the face model needs it even on the CPU
      defaultViewport: null,
      args: [`--width=${command.width}`, `--height=${command.height}`],
      extraPrefsFirefox: command.prefs || {},
      env: process.env,
      protocolTimeout: 600000,
    });
    return browser.version();
  },
  async newPage(command) {
    const page = await browser.newPage();
    const id = nextPage++;
    pages.set(id, page);
    await page.setViewport({ width: command.width, height: command.height });
    page.on("request", (request) => emit({ event: "request", page: id, text: request.url() }));
    page.on("console", (message) => emit({ event: "console", page: id, text: `${message.type()}: ${message.text()}` }));
    page.on("pageerror", (error) => emit({ event: "console", page: id, text: `pageerror: ${error}` }));
    for (const script of command.initScripts || []) await page.evaluateOnNewDocument(script);
    return id;
  },
  async goto(command) {
    await pageOf(command).goto(command.url, { waitUntil: "load", timeout: command.timeoutMs });
    return null;
  },
  async evaluate(command) {
    return pageOf(command).evaluate(call(command.source, command.arg));
  },
  async click(command) {
    await pageOf(command).mouse.click(command.x, command.y);
    return null;
  },
  async press(command) {
    await pageOf(command).keyboard.press(command.key);
    return null;
  },
  async viewport(command) {
    await pageOf(command).setViewport({ width: command.width, height: command.height });
    return null;
  },
  async screenshot(command) {
    await pageOf(command).screenshot({ path: command.path });
    return null;
  },
  async closePage(command) {
    const page = pages.get(command.page);
    pages.delete(command.page);
    if (page) await page.close();
    return null;
  },
};

async function run(command) {
  try {
    const op = ops[command.op];
    if (!op) throw new Error(`unknown op ${command.op}`);
    emit({ id: command.id, value: (await op(command)) ?? null });
  } catch (error) {
    emit({ id: command.id, error: String((error && error.stack) || error) });
  }
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim()) run(JSON.parse(line)); // commands run concurrently; each answer carries its id
});
lines.on("close", async () => {
  if (browser) await browser.close().catch(() => {});
  process.exit(0);
});
