// Tell the server the browser's time zone, so the pages show times in it (web/zones.py).
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || document.cookie.indexOf("leadflow_tz=" + zone) !== -1) {
    return;
  }
  var secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "leadflow_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax" + secure;
})();
