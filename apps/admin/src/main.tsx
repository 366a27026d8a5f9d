import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreSession, sessionExpired } from './features/auth/session.ts';
import { queryClient, setSessionLostHandler } from './lib/query-client.ts';
import { cssVariablesResolver, theme } from './lib/theme.ts';
import { router } from './router.tsx';

// 401 from anywhere: forget the tokens, sign in again, then come back to the page we were on.
setSessionLostHandler(() => {
  const href = router.state.location.href;
  sessionExpired();
  queryClient.clear();
  if (!href.startsWith('/login')) void router.navigate({ to: '/login', search: { redirect: href } });
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

function render(container: HTMLElement) {
  createRoot(container).render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <Notifications position="top-right" />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}

// The session is known before the first route decides whether to send us to sign in.
void restoreSession().finally(() => render(root));
