import { createRouter } from '@tanstack/react-router';
import { categoriesRoute } from './routes/categories.tsx';
import { contentKeysRoute } from './routes/content-keys.tsx';
import { dashboardRoute } from './routes/dashboard.tsx';
import { filesRoute } from './routes/files.tsx';
import { appRoute } from './routes/layout.tsx';
import { loginRoute } from './routes/login.tsx';
import { editPostRoute, newPostRoute } from './routes/post-edit.tsx';
import { postsRoute } from './routes/posts.tsx';
import { profileRoute } from './routes/profile.tsx';
import { rootRoute } from './routes/root.tsx';
import { settingsRoute } from './routes/settings.tsx';
import { trashRoute } from './routes/trash.tsx';
import { userRoute } from './routes/user-detail.tsx';
import { usersRoute } from './routes/users.tsx';
import { webhookRoute } from './routes/webhook-detail.tsx';
import { webhooksRoute } from './routes/webhooks.tsx';

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    dashboardRoute,
    postsRoute,
    newPostRoute,
    editPostRoute,
    trashRoute,
    categoriesRoute,
    filesRoute,
    usersRoute,
    userRoute,
    contentKeysRoute,
    webhooksRoute,
    webhookRoute,
    settingsRoute,
    profileRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  basepath: '/admin',
  defaultPreload: false,
  scrollRestoration: true,
  defaultNotFoundComponent: NotFound,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

function NotFound() {
  return (
    <main style={{ padding: 24 }}>
      <h1>Page not found</h1>
      <p>
        <a href="/admin/">Back to the dashboard</a>
      </p>
    </main>
  );
}
