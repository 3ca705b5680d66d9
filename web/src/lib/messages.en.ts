// The English message catalogue (see i18n.ts). Keys are `<screen>.<what>`; `{name}` is a
// placeholder filled by t(key, { name }). Screens moved to t() so far: clients, catalogue
// (tax rates, items), document lists, portal lists.
export const en = {
  'common.actions': 'Actions',
  'common.archive': 'Archive',
  'common.restore': 'Restore',
  'common.archived': 'Archived',
  'common.search': 'Search',
  'common.none': '—',
} as const;
