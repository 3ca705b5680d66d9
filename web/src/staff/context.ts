import { createContext, useContext } from 'react';
import type { Me, Org } from '../lib/types.ts';
import type { SessionState } from './auth/auth-api.ts';

export interface StaffSession {
  me: Me;
  state: SessionState;
  org: Org | null;
  email: string | null;
  name: string | null;
  can: (permission: string) => boolean;
  refresh: () => void;
  signOut: () => Promise<void>;
}

export const StaffContext = createContext<StaffSession | null>(null);

export function useStaff(): StaffSession {
  const s = useContext(StaffContext);
  if (!s) throw new Error('useStaff outside the staff app');
  return s;
}
