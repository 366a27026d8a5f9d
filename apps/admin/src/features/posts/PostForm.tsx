import {
  Alert,
  Box,
  Button,
  CloseButton,
  FileInput,
  Grid,
  Group,
  Image,
  Input,
  Modal,
  MultiSelect,
  Paper,
  Progress,
  Skeleton,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useBlocker, useNavigate } from '@tanstack/react-router';
import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/States.tsx';
import { fieldErrors } from '../../lib/errors.ts';
import { formatDate } from '../../lib/format.ts';
import type { LecternError } from '../../lib/sdk.ts';
import { categoriesQuery } from '../categories/queries.ts';
import { DeletePostButton } from './DeletePostButton.tsx';
import {
  cancelSchedule,
  createPost,
  type Post,
  type PostFields,
  postKeys,
  type ThumbnailChange,
  updatePost,
} from './queries.ts';

const BodyEditor = lazy(() => import('./BodyEditor.tsx'));
const ScheduleField = lazy(() => import('./ScheduleField.tsx'));

const IMAGE_TYPES = 'image/jpeg,image/png,image/webp,image/gif,image/avif';

function fieldsOf(post: Post | undefined): PostFields {
  return {
    title: post?.title ?? '',
    body: post?.body ?? '',
    tags: post?.tags ?? [],
    categories: post?.categories.map((c) => c.id) ?? [],
    is_published: post?.is_published ?? false,
    publish_at: post?.publish_at ?? null,
  };
}

interface FormValues {
  title: string;
  body: string;
  tags: string[];
  categories: string[];
  is_published: boolean;
  publish_at: Date | null;
}

const toForm = (f: PostFields): FormValues => ({
  ...f,
  categories: f.categories.map(String),
  publish_at: f.publish_at ?? null,
});
/** The fields to send; the schedule only when it changed (an unchanged time is not sent again). */
const fromForm = ({ publish_at, ...v }: FormValues, scheduleChanged: boolean): PostFields => ({
  ...v,
  categories: v.categories.map(Number),
  ...(scheduleChanged ? { publish_at } : {}),
});

/** Create (no `post`) or edit a post. The body shown after a save is the one the server stored. */
export function PostForm({ post }: { post?: Post }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const categories = useQuery(categoriesQuery());
  const [saved, setSaved] = useState<Post | undefined>(post);
  const [bodyVersion, setBodyVersion] = useState(0);
  const [thumbnail, setThumbnail] = useState<ThumbnailChange>({ kind: 'keep' });
  const [thumbnailError, setThumbnailError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const leaving = useRef(false);
  const bodyLabelId = useId();
  const bodyErrorId = useId();

  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: toForm(fieldsOf(post)),
    validate: {
      title: (v) => (v.trim() ? null : 'Give the post a title.'),
    },
  });

  const previewUrl = useMemo(
    () => (thumbnail.kind === 'set' ? URL.createObjectURL(thumbnail.file) : null),
    [thumbnail],
  );
  useEffect(() => () => (previewUrl ? URL.revokeObjectURL(previewUrl) : undefined), [previewUrl]);
  const shownThumbnail =
    thumbnail.kind === 'set' ? previewUrl : thumbnail.kind === 'remove' ? null : saved?.thumbnail;

  const dirty = form.isDirty() || thumbnail.kind !== 'keep';
  const blocker = useBlocker({
    // Another tab of this editor (?tab=history) is the same page: only leaving the post is blocked.
    shouldBlockFn: ({ current, next }) => dirty && !leaving.current && current.pathname !== next.pathname,
    enableBeforeUnload: () => dirty && !leaving.current,
    withResolver: true,
  });

  const save = useMutation({
    mutationFn: (values: FormValues) => {
      const upload = {
        onProgress: ({ loaded, total }: { loaded: number; total: number }) => setProgress(loaded / total),
      };
      const scheduleChanged = saved ? form.isDirty('publish_at') : values.publish_at !== null;
      return saved
        ? updatePost(saved.slug, fromForm(values, scheduleChanged), thumbnail, upload)
        : createPost(fromForm(values, scheduleChanged), thumbnail, upload);
    },
    onMutate: () => {
      setOtherErrors([]);
      setThumbnailError(null);
      setProgress(thumbnail.kind === 'set' ? 0 : null);
    },
    onSettled: () => setProgress(null),
    onSuccess: async (result) => {
      void queryClient.invalidateQueries({ queryKey: postKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      queryClient.setQueryData(postKeys.detail(result.slug), result);
      const values = toForm(fieldsOf(result));
      form.setInitialValues(values);
      form.setValues(values);
      form.resetDirty(values);
      setThumbnail({ kind: 'keep' });
      setSaved(result);
      setBodyVersion((v) => v + 1);
      notifications.show({ color: 'green', title: 'Saved', message: `“${result.title}” is saved.` });
      if (!post) {
        leaving.current = true;
        await navigate({ to: '/posts/$slug', params: { slug: result.slug }, replace: true });
      }
    },
    onError: (error: LecternError) => {
      const { fields, other } = fieldErrors(error);
      form.setErrors(fields);
      const { thumbnail: thumbField, ...rest } = fields;
      if (thumbField) setThumbnailError(thumbField);
      if (error.status === 413 || error.status === 415) setThumbnailError(error.message);
      const unknown = Object.keys(rest).filter((name) => !(name in form.values));
      setOtherErrors([...other, ...unknown.map((name) => `${name}: ${rest[name]}`)]);
    },
  });

  const unschedule = useMutation({
    mutationFn: (slug: string) => cancelSchedule(slug),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: postKeys.all });
      queryClient.setQueryData(postKeys.detail(result.slug), result);
      setSaved(result);
      // Only the schedule changed on the server: other edits in the form stay as they are.
      const snapshot = { ...form.getInitialValues(), publish_at: null };
      form.setInitialValues(snapshot);
      form.resetDirty({ ...snapshot });
      form.setFieldValue('publish_at', null);
      form.clearFieldError('publish_at');
      notifications.show({
        color: 'green',
        title: 'Schedule cancelled',
        message: `“${result.title}” stays a draft.`,
      });
    },
  });

  const onSubmit = form.onSubmit((values) => save.mutate(values));
  const handledError =
    save.error && !save.error.fields && save.error.status !== 413 && save.error.status !== 415
      ? save.error
      : null;

  return (
    <>
      <form onSubmit={onSubmit} noValidate aria-label={post ? 'Edit post' : 'New post'}>
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Stack>
              {handledError ? <ErrorAlert error={handledError} title="Not saved" /> : null}
              {otherErrors.length ? (
                <Alert color="red" title="Not saved" role="alert">
                  {otherErrors.join(' ')}
                </Alert>
              ) : null}
              <TextInput label="Title" required maxLength={250} {...form.getInputProps('title')} />
              {saved ? (
                <Text size="sm" c="dimmed" data-testid="post-slug">
                  Slug: <code>{saved.slug}</code>
                </Text>
              ) : null}
              <Input.Wrapper
                labelProps={{ id: bodyLabelId, component: 'span' }}
                label="Body"
                error={form.errors.body}
                errorProps={{ id: bodyErrorId }}
              >
                <Suspense fallback={<Skeleton h={290} role="status" aria-label="Loading the editor" />}>
                  <BodyEditor
                    value={form.values.body}
                    version={bodyVersion}
                    onChange={(html) => form.setFieldValue('body', html)}
                    labelId={bodyLabelId}
                    errorId={form.errors.body ? bodyErrorId : undefined}
                  />
                </Suspense>
              </Input.Wrapper>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack>
              <Switch
                label="Published"
                description={
                  saved?.published_at
                    ? `First published ${formatDate(saved.published_at)}`
                    : 'Drafts are staff-only'
                }
                {...form.getInputProps('is_published', { type: 'checkbox' })}
              />
              <Paper withBorder p="sm">
                <Stack gap="xs">
                  <Suspense fallback={<Skeleton h={60} role="status" aria-label="Loading the date picker" />}>
                    <ScheduleField
                      value={form.values.publish_at}
                      onChange={(value) => {
                        form.setFieldValue('publish_at', value);
                        form.clearFieldError('publish_at');
                      }}
                      error={form.errors.publish_at as string | undefined}
                    />
                  </Suspense>
                  {saved?.publish_at ? (
                    <Group gap="xs" justify="flex-end">
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        loading={unschedule.isPending}
                        onClick={() => unschedule.mutate(saved.slug)}
                      >
                        Cancel schedule
                      </Button>
                    </Group>
                  ) : null}
                  {unschedule.isError ? (
                    <ErrorAlert error={unschedule.error} title="Schedule not cancelled" />
                  ) : null}
                </Stack>
              </Paper>
              <MultiSelect
                label="Categories"
                placeholder={categories.isPending ? 'Loading…' : 'Pick categories'}
                data={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
                searchable
                clearable
                nothingFoundMessage="No such category"
                {...form.getInputProps('categories')}
              />
              <TagsInput
                label="Tags"
                description="Press Enter after each tag"
                maxTags={20}
                splitChars={[',']}
                {...form.getInputProps('tags')}
              />
              <Paper withBorder p="sm">
                <Stack gap="xs">
                  <FileInput
                    label="Thumbnail"
                    description="JPEG, PNG, WebP, GIF or AVIF"
                    accept={IMAGE_TYPES}
                    value={thumbnail.kind === 'set' ? thumbnail.file : null}
                    onChange={(file) => {
                      setThumbnailError(null);
                      setThumbnail(file ? { kind: 'set', file } : { kind: 'keep' });
                    }}
                    error={thumbnailError}
                    clearable
                  />
                  {progress !== null ? (
                    <Progress value={progress * 100} aria-label="Thumbnail upload progress" size="sm" />
                  ) : null}
                  {shownThumbnail ? (
                    <Box pos="relative">
                      <Image
                        src={shownThumbnail}
                        alt={thumbnail.kind === 'set' ? 'Preview of the new thumbnail' : 'Current thumbnail'}
                        radius="sm"
                        mah={200}
                        fit="contain"
                        data-testid="thumbnail-preview"
                      />
                      <CloseButton
                        pos="absolute"
                        top={4}
                        right={4}
                        variant="filled"
                        aria-label="Remove the thumbnail"
                        onClick={() => setThumbnail(saved?.thumbnail ? { kind: 'remove' } : { kind: 'keep' })}
                      />
                    </Box>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {thumbnail.kind === 'remove'
                        ? 'The thumbnail will be removed on save.'
                        : 'No thumbnail.'}
                    </Text>
                  )}
                </Stack>
              </Paper>
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {post ? 'Save' : 'Create post'}
                </Button>
                {dirty ? (
                  <Text size="sm" c="dimmed" data-testid="unsaved">
                    Unsaved changes
                  </Text>
                ) : null}
              </Group>
              {saved ? (
                <DeletePostButton
                  post={saved}
                  onDeleted={async () => {
                    leaving.current = true;
                    await navigate({ to: '/posts' });
                  }}
                />
              ) : null}
            </Stack>
          </Grid.Col>
        </Grid>
      </form>
      <Modal
        opened={blocker.status === 'blocked'}
        onClose={() => blocker.reset?.()}
        title="Leave without saving?"
        centered
      >
        <Stack>
          <Text size="sm">This post has changes that are not saved. They are lost if you leave.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
              Stay
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              Leave without saving
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
