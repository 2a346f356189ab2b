// The tip page's proof of work: find a counter such that SHA-256(token ":" counter)
// starts with `bits` zero bits, put it in the form, and hide the sum asked of
// browsers without scripts. Plain SHA-256 in JavaScript (no crypto.subtle: it
// exists only on https pages, and a unit may serve the page over plain http).
"use strict";

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function rotr(x, n) {
  return (x >>> n) | (x << (32 - n));
}

// SHA-256 of an ASCII string; returns the first word of the digest and the second
// (enough to count up to 64 leading zero bits).
function sha256Head(text) {
  const length = text.length;
  const blocks = ((length + 9 + 63) >> 6) << 4;
  const words = new Uint32Array(blocks);
  for (let i = 0; i < length; i++) words[i >> 2] |= text.charCodeAt(i) << (24 - (i % 4) * 8);
  words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
  words[blocks - 1] = length * 8;
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  for (let block = 0; block < blocks; block += 16) {
    for (let t = 0; t < 16; t++) w[t] = words[block + t];
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  return [h[0], h[1]];
}

function zeroBits(head) {
  const [first, second] = head;
  if (first !== 0) return Math.clz32(first);
  return 32 + Math.clz32(second);
}

function solve(token, bits, done) {
  let counter = 0;
  function chunk() {
    const until = counter + 20000;
    for (; counter < until; counter++) {
      if (zeroBits(sha256Head(token + ":" + counter)) >= bits) {
        done(String(counter));
        return;
      }
    }
    setTimeout(chunk, 0); // let the page breathe between chunks
  }
  chunk();
}

function start(form) {
  const challenge = form.elements.namedItem("challenge");
  const counterInput = form.elements.namedItem("counter");
  const status = form.querySelector("[data-tip-status]");
  const sum = form.querySelector("[data-sum-check]");
  const answer = form.elements.namedItem("answer");
  let solved = false;
  let sendWhenSolved = false;
  sum.hidden = true;
  answer.required = false;
  status.textContent = form.dataset.working;
  solve(challenge.value, Number(challenge.dataset.bits), (counter) => {
    counterInput.value = counter;
    solved = true;
    status.textContent = form.dataset.ready;
    form.dataset.solved = "true";
    if (sendWhenSolved) form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    if (!solved) {
      event.preventDefault();
      sendWhenSolved = true;
    }
  });
}

for (const form of document.querySelectorAll("form[data-tip-form]")) start(form);
