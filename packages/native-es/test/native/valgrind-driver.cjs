// Run by valgrind.test.ts under valgrind: the built addon's translator (every message version) and
// the macOS backend logic over the fake ES library (threads, retain/release, thread-safe function),
// then a clean stop. Prints "ok" when everything was delivered and released.
'use strict';
const addon = require(process.argv[2]);
let n = 0;
for (let v = 1; v <= 10; v++) n += addon.translateSynthetic(v).length;
if (n !== 990) throw new Error(`translated ${n}`);
const got = [];
const fake = new addon.EsFakeBackend(
  {
    clients: [{ events: [9] }, { events: [10], mutePaths: [['/usr/bin/curl', 'literal']], invertPaths: true }],
    defaultMutes: ['/usr/libexec/watchdogd'],
  },
  (msgs) => got.push(...msgs),
);
fake.start();
const evs = [];
for (let i = 0; i < 100; i++)
  evs.push({
    type: i % 2 ? 10 : 9,
    pid: 100 + i,
    exe: i % 3 ? '/usr/bin/curl' : '/bin/zsh',
    target: '/tmp/x',
    dropFor: i % 9 ? [] : [0],
  });
fake.deliver(evs);
fake.drain();
const deadline = Date.now() + 60_000;
(function wait() {
  const want = 50 - 6 + 33; // client 1: 50 exec minus drops; client 2: opens by curl only
  if (got.length < want && Date.now() < deadline) return setTimeout(wait, 50);
  fake.stop();
  if (got.length !== want) throw new Error(`got ${got.length}, want ${want}`);
  if (fake.outstanding() !== 0) throw new Error(`${fake.outstanding()} messages not released`);
  console.log('ok');
})();
