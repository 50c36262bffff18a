/**
 * The first-start page: the link the start log prints leads here. Plain HTML and one script (no
 * inline code, so the strict Content-Security-Policy holds), Vietnamese first with English beside
 * it, until the web app takes over `/app/`.
 */
export const SETUP_HTML = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thiết lập lần đầu — Theo dõi kiến nghị / First start — Follow-up Tracker</title>
<style>
  body { font-family: system-ui, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f6f8; color: #1b1f24; }
  main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  p.en, span.en { color: #4a5561; font-size: .9rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem; border: 1px solid #7a8591; border-radius: 4px; }
  input:focus, button:focus { outline: 3px solid #1c5fd1; outline-offset: 1px; }
  .check { display: flex; gap: .5rem; align-items: flex-start; margin-top: 1rem; font-weight: 400; }
  button { margin-top: 1.5rem; padding: .65rem 1.2rem; font-size: 1rem; background: #0b4fb3; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  #status { margin-top: 1rem; min-height: 1.5rem; }
  .error { color: #a3161b; }
  .ok { color: #115c2b; }
  table { border-collapse: collapse; margin-top: 1rem; width: 100%; }
  th, td { border: 1px solid #c4ccd4; padding: .35rem .5rem; text-align: left; font-size: .9rem; }
</style>
</head>
<body>
<main>
  <h1>Thiết lập lần đầu <span class="en" lang="en">First start</span></h1>
  <p>Tạo tài khoản quản trị viên đầu tiên. Đường dẫn này chỉ dùng được một lần.</p>
  <p class="en" lang="en">Create the first administrator. This link works once.</p>
  <form id="setup" novalidate>
    <label for="username">Tên đăng nhập <span class="en" lang="en">Username</span></label>
    <input id="username" name="username" type="text" autocomplete="username" required minlength="3" maxlength="64">
    <label for="name">Họ và tên <span class="en" lang="en">Full name</span></label>
    <input id="name" name="name" type="text" autocomplete="name" required maxlength="200">
    <label for="password">Mật khẩu (ít nhất 12 ký tự) <span class="en" lang="en">Password (12 characters at least)</span></label>
    <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256">
    <label for="password2">Nhập lại mật khẩu <span class="en" lang="en">Password again</span></label>
    <input id="password2" name="password2" type="password" autocomplete="new-password" required minlength="12" maxlength="256">
    <label class="check"><input id="demo" name="demo" type="checkbox"> <span>Nạp tỉnh mẫu và một tài khoản mẫu cho mỗi vai trò <span class="en" lang="en">Load the demo province and one demo account per role</span></span></label>
    <button type="submit">Tạo quản trị viên <span lang="en">/ Create administrator</span></button>
  </form>
  <div id="status" role="status" aria-live="polite"></div>
  <div id="result"></div>
</main>
<script src="/app/setup.js"></script>
</body>
</html>
`;

export const SETUP_JS = `(function () {
  'use strict';
  var form = document.getElementById('setup');
  var status = document.getElementById('status');
  var result = document.getElementById('result');
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  function say(text, kind) { status.textContent = text; status.className = kind || ''; }
  if (!token) say('Đường dẫn thiếu mã thiết lập: hãy mở đúng đường dẫn in trong nhật ký khởi động. / The link lacks its setup token: open the link from the start log.', 'error');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = form.password.value;
    if (password.length < 12) { say('Mật khẩu cần ít nhất 12 ký tự. / The password needs 12 characters at least.', 'error'); form.password.focus(); return; }
    if (password !== form.password2.value) { say('Hai mật khẩu không khớp. / The two passwords differ.', 'error'); form.password2.focus(); return; }
    say('Đang tạo… / Creating…');
    fetch('/auth/setup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ token: token, username: form.username.value, name: form.name.value, password: password, demo: form.demo.checked })
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) { say((answer.body && answer.body.message) || 'Không tạo được. / Could not create.', 'error'); return; }
      form.hidden = true;
      history.replaceState(null, '', location.pathname);
      say('Đã tạo quản trị viên ' + answer.body.user.username + ' và đăng nhập. / Administrator created and signed in.', 'ok');
      var accounts = answer.body.demoAccounts || [];
      if (accounts.length > 0) {
        var p = document.createElement('p');
        p.textContent = 'Tài khoản mẫu (mật khẩu chỉ hiện một lần) / Demo accounts (passwords shown once):';
        var table = document.createElement('table');
        var head = table.insertRow();
        ['Tên đăng nhập / Username', 'Vai trò / Role', 'Mật khẩu / Password'].forEach(function (text) {
          var th = document.createElement('th'); th.scope = 'col'; th.textContent = text; head.appendChild(th);
        });
        accounts.forEach(function (a) {
          var row = table.insertRow();
          [a.username, a.role, a.password].forEach(function (text) { row.insertCell().textContent = text; });
        });
        result.appendChild(p);
        result.appendChild(table);
      }
      var link = document.createElement('p');
      var anchor = document.createElement('a');
      anchor.href = '/app/';
      anchor.textContent = 'Vào ứng dụng / Open the app';
      link.appendChild(anchor);
      result.appendChild(link);
    }).catch(function () { say('Không kết nối được máy chủ. / The server could not be reached.', 'error'); });
  });
})();
`;
