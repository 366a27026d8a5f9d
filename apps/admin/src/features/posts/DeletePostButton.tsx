import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../lib/errors.ts';
import { deletePost, type PostSummary, postKeys, undoDelete } from './queries.ts';

function refreshPosts(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: postKeys.all });
  void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
}

/**
 * The notification after a delete, with an Undo that restores the post as it was (published again
 * if it was). It outlives the screen that deleted, so it holds no component state.
 */
export function notifyDeleted(queryClient: QueryClient, post: PostSummary): void {
  const id = `deleted-${post.slug}`;
  const undo = async () => {
    notifications.hide(id);
    try {
      const restored = await undoDelete(post.slug, post.is_published);
      refreshPosts(queryClient);
      notifications.show({ color: 'green', title: 'Restored', message: `“${restored.title}” is back.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not restored', message: describeError(error) });
    }
  };
  notifications.show({
    id,
    color: 'gray',
    title: `“${post.title}” moved to the trash`,
    autoClose: 10_000,
    message: (
      <Button size="xs" variant="light" mt={4} onClick={undo}>
        Undo
      </Button>
    ),
  });
}

/** Deletes (to the trash) at once, with an Undo in the notification. */
export function DeletePostButton({ post, onDeleted }: { post: PostSummary; onDeleted: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => deletePost(post.slug),
    onSuccess: () => {
      refreshPosts(queryClient);
      notifyDeleted(queryClient, post);
      onDeleted();
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Not deleted', message: describeError(error) }),
  });
  return (
    <Button color="red" variant="light" loading={remove.isPending} onClick={() => remove.mutate()}>
      Delete post
    </Button>
  );
}
