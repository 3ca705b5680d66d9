// Sealbill pay page: the only script on the page (besides Stripe.js when the org enabled the
// embedded Payment Element). It starts a checkout and sends the browser to the provider's own
// page; card details are only ever typed there. No inline script: the CSP forbids it.
'use strict';
(function () {
  var root = document.getElementById('pay');
  if (!root) return;
  var api = root.getAttribute('data-api');
  var errorBox = document.getElementById('pay-error');
  // The page's words, in the invoice's language (rendered by the server from its catalogue).
  function word(name, fallback) {
    return root.getAttribute('data-' + name) || fallback;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function loadStripe() {
    return new Promise(function (resolve, reject) {
      if (window.Stripe) return resolve(window.Stripe);
      var s = document.createElement('script');
      s.src = 'https://js.stripe.com/v3/';
      s.onload = function () {
        resolve(window.Stripe);
      };
      s.onerror = function () {
        reject(new Error('Stripe.js could not be loaded'));
      };
      document.head.appendChild(s);
    });
  }

  function mountElement(result) {
    return loadStripe().then(function (Stripe) {
      var stripe = Stripe(result.publishableKey);
      var elements = stripe.elements({ clientSecret: result.clientSecret });
      elements.create('payment').mount('#payment-element');
      var confirm = document.getElementById('payment-confirm');
      confirm.hidden = false;
      confirm.addEventListener('click', function () {
        confirm.disabled = true;
        stripe
          .confirmPayment({
            elements: elements,
            confirmParams: {
              return_url: window.location.origin + '/pay/complete/' + result.checkoutId + '?payment=success',
            },
          })
          .then(function (r) {
            if (r.error) {
              showError(r.error.message || word('not-completed', 'The payment was not completed.'));
              confirm.disabled = false;
            }
          });
      });
    });
  }

  function start(button) {
    var provider = button.getAttribute('data-provider');
    var embedded = button.getAttribute('data-embedded') === 'true';
    // Saving for future charges: Stripe's hosted checkout only (the server refuses anything else).
    var save = document.getElementById('save-method');
    var saveMethod = !!(save && save.checked && provider === 'stripe' && !embedded);
    errorBox.hidden = true;
    button.disabled = true;
    fetch(api + '/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ provider: provider, embedded: embedded, saveMethod: saveMethod }),
      credentials: 'omit',
    })
      .then(function (res) {
        return res.json().then(function (body) {
          return { ok: res.ok, body: body };
        });
      })
      .then(function (r) {
        if (!r.ok)
          throw new Error(
            r.body && r.body.detail ? r.body.detail : word('start-failed', 'The payment could not be started.'),
          );
        if (r.body.kind === 'redirect') {
          window.location.assign(r.body.redirectUrl);
          return;
        }
        return mountElement(r.body);
      })
      .catch(function (err) {
        showError(err.message);
        button.disabled = false;
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll('button[data-provider]'), function (b) {
    b.addEventListener('click', function () {
      start(b);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (b) {
    b.addEventListener('click', function () {
      var text = b.getAttribute('data-copy');
      if (!navigator.clipboard) return;
      navigator.clipboard.writeText(text).then(function () {
        var label = b.textContent;
        b.textContent = word('copied', 'Copied');
        setTimeout(function () {
          b.textContent = label;
        }, 1500);
      });
    });
  });
})();
