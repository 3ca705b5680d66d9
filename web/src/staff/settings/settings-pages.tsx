export { PayoutPage } from './PayoutSettings.tsx';
export { MembersPage } from './MembersSettings.tsx';
export { SecuritySettingsPage } from './SecuritySettings.tsx';
export { EmailSettingsPage, BackupsPage } from './OpsSettings.tsx';
