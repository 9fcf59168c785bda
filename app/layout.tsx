import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ActionNotices } from '@/components/action-notices';
import { NavBar } from '@/components/nav-bar';
import './globals.css';
import { Providers } from './providers';
import { SessionNotice } from './_components/session-notice';

export const metadata: Metadata = {
  title: { default: 'Lockboard', template: '%s · Lockboard' },
  description: "Terraform S3 backend locks, digests and state versions",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Providers>
          <NavBar />
          <SessionNotice />
          <main className="mx-auto max-w-[1400px] px-4 py-6">
            <ActionNotices />
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
