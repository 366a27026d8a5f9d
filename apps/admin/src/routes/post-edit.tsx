import { Anchor, Group, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import { ErrorAlert, Loading } from '../components/States.tsx';
import { PostForm } from '../features/posts/PostForm.tsx';
import { postQuery } from '../features/posts/queries.ts';
import { appRoute } from './layout.tsx';

export const newPostRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'posts/new',
  component: () => (
    <Stack>
      <BackToPosts />
      <Title order={1}>New post</Title>
      <PostForm />
    </Stack>
  ),
});

export const editPostRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'posts/$slug',
  component: EditPost,
});

function BackToPosts() {
  return (
    <Group>
      <Anchor size="sm" renderRoot={(props) => <Link to="/posts" {...props} />}>
        ← All posts
      </Anchor>
    </Group>
  );
}

function EditPost() {
  const { slug } = editPostRoute.useParams();
  const post = useQuery(postQuery(slug));
  return (
    <Stack>
      <BackToPosts />
      <Title order={1}>Edit post</Title>
      {post.isPending ? <Loading label="Loading the post…" /> : null}
      {post.isError ? <ErrorAlert error={post.error} onRetry={() => post.refetch()} /> : null}
      {post.data ? <PostForm key={post.data.id} post={post.data} /> : null}
    </Stack>
  );
}
