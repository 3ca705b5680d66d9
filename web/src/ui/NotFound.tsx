import { useTitle } from '../lib/hooks.ts';

export function NotFoundContent() {
  useTitle('Page not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Check the link, or go to the <a href="/app">staff app</a> or the{' '}
        <a href="/portal">client portal</a>.
      </p>
    </>
  );
}

export function NotFoundPage() {
  return (
    <main id="main" className="public-main">
      <NotFoundContent />
    </main>
  );
}
