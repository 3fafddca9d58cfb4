// Review queue: "select all" ticks every match on this page (inline scripts are barred by the CSP).
document.addEventListener('DOMContentLoaded', () => {
  const all = document.getElementById('select-all');
  if (!all) return;
  all.addEventListener('change', () => {
    document.querySelectorAll('#queue input[name=subject]').forEach(b => { b.checked = all.checked; });
  });
});
