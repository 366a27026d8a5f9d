import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Card,
  CopyButton,
  Group,
  Image,
  Modal,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { useDebouncedCallback } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Pager } from '../components/Pager.tsx';
import { Empty, ErrorAlert, Loading } from '../components/States.tsx';
import { deleteFile, fileKeys, filesQuery, type GalleryFile, uploadFile } from '../features/files/queries.ts';
import { describeError } from '../lib/errors.ts';
import { formatBytes, formatDate } from '../lib/format.ts';
import { optionalText, pageSearch, toPage, toPageSize } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export const filesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'files',
  validateSearch: (
    search: Record<string, unknown>,
  ): { page?: number; page_size?: number; search?: string } => {
    const text = optionalText(search.search);
    return { ...pageSearch(search), ...(text ? { search: text } : {}) };
  },
  component: FilesScreen,
});

interface UploadState {
  key: string;
  name: string;
  progress: number;
  error?: string;
}

function FilesScreen() {
  const search = filesRoute.useSearch();
  const navigate = useNavigate({ from: '/files' });
  const page = search.page ?? 1;
  const pageSize = search.page_size ?? 20;
  const files = useQuery(filesQuery(page, pageSize, search.search));
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [deleting, setDeleting] = useState<GalleryFile | null>(null);
  const [text, setText] = useState(search.search ?? '');
  useEffect(() => setText(search.search ?? ''), [search.search]);
  const commitText = useDebouncedCallback(
    (value: string) => navigate({ search: { search: value.trim() || undefined } }),
    400,
  );

  const patchUpload = (key: string, patch: Partial<UploadState>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const onDrop = (dropped: File[]) => {
    for (const file of dropped) {
      const key = `${file.name}-${file.size}-${Date.now()}-${Math.random()}`;
      setUploads((list) => [...list, { key, name: file.name, progress: 0 }]);
      uploadFile(file, {
        onProgress: ({ loaded, total }) => patchUpload(key, { progress: total ? loaded / total : 1 }),
      })
        .then((stored) => {
          setUploads((list) => list.filter((u) => u.key !== key));
          notifications.show({ color: 'green', title: 'Uploaded', message: stored.title });
          void queryClient.invalidateQueries({ queryKey: fileKeys.all });
          void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
        })
        .catch((error: unknown) => patchUpload(key, { error: describeError(error) }));
    }
  };

  return (
    <Stack>
      <Title order={1}>Files</Title>
      <Dropzone
        onDrop={onDrop}
        multiple
        aria-label="Upload files: drop them here or press to choose"
        data-testid="dropzone"
      >
        <Stack align="center" gap={4} py="lg" style={{ pointerEvents: 'none' }}>
          <Text fw={500}>Drop files here, or click to choose</Text>
          <Text size="sm" c="dimmed">
            Images, PDF, text, CSV, ZIP and office documents. The server checks each file&apos;s content.
          </Text>
        </Stack>
      </Dropzone>
      {uploads.length ? (
        <Stack gap="xs" aria-live="polite" data-testid="uploads">
          {uploads.map((u) =>
            u.error ? (
              <Alert
                key={u.key}
                color="red"
                title={`${u.name} was refused`}
                withCloseButton
                closeButtonLabel="Dismiss"
                onClose={() => setUploads((list) => list.filter((x) => x.key !== u.key))}
                role="alert"
                data-testid="upload-refused"
              >
                {u.error}
              </Alert>
            ) : (
              <div key={u.key}>
                <Text size="sm">Uploading {u.name}…</Text>
                <Progress value={u.progress * 100} aria-label={`Upload of ${u.name}`} size="sm" />
              </div>
            ),
          )}
        </Stack>
      ) : null}
      <TextInput
        label="Search by title"
        w={280}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          commitText(e.currentTarget.value);
        }}
      />
      {files.isPending ? <Loading label="Loading files…" /> : null}
      {files.isError ? <ErrorAlert error={files.error} onRetry={() => files.refetch()} /> : null}
      {files.data && !files.isError ? (
        files.data.count === 0 ? (
          <Empty>{search.search ? 'No file has that in its title.' : 'No files yet: drop some above.'}</Empty>
        ) : (
          <Stack>
            <SimpleGrid cols={{ base: 1, xs: 2, sm: 3, lg: 4 }} data-testid="files-grid">
              {files.data.results.map((file) => (
                <FileCard key={file.id} file={file} onDelete={() => setDeleting(file)} />
              ))}
            </SimpleGrid>
            <Pager
              label="files"
              count={files.data.count}
              page={page}
              pageSize={pageSize}
              onPage={(p) => navigate({ search: toPage(p) })}
              onPageSize={(size) => navigate({ search: toPageSize(size) })}
            />
          </Stack>
        )
      ) : null}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete the file?" centered>
        {deleting ? <DeleteFile file={deleting} onDone={() => setDeleting(null)} /> : null}
      </Modal>
    </Stack>
  );
}

function FileCard({ file, onDelete }: { file: GalleryFile; onDelete: () => void }) {
  const isImage = file.content_type.startsWith('image/');
  return (
    <Card withBorder padding="sm" data-file-id={file.id}>
      <Card.Section>
        {isImage ? (
          <Image src={file.file} alt={file.title} h={140} fit="cover" loading="lazy" />
        ) : (
          <Stack h={140} align="center" justify="center" bg="gray.1">
            <Text fw={700} c="gray.7">
              {file.content_type.split('/')[1]?.toUpperCase() ?? 'FILE'}
            </Text>
          </Stack>
        )}
      </Card.Section>
      <Stack gap={2} mt="sm">
        <Anchor href={file.file} target="_blank" rel="noreferrer" fw={500} truncate="end">
          {file.title}
        </Anchor>
        <Text size="xs" c="dimmed">
          {formatBytes(file.size)} · {file.content_type}
        </Text>
        <Text size="xs" c="dimmed">
          {file.uploaded_by.username}, {formatDate(file.uploaded_at)}
        </Text>
      </Stack>
      <Group mt="sm" gap="xs">
        <CopyButton value={file.file}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : file.file} withArrow>
              <Button size="xs" variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
                {copied ? 'URL copied' : 'Copy URL'}
              </Button>
            </Tooltip>
          )}
        </CopyButton>
        <ActionIcon
          variant="light"
          color="red"
          size="md"
          onClick={onDelete}
          aria-label={`Delete ${file.title}`}
          title="Delete"
        >
          ✕
        </ActionIcon>
      </Group>
    </Card>
  );
}

function DeleteFile({ file, onDone }: { file: GalleryFile; onDone: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => deleteFile(file.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: fileKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      notifications.show({ color: 'gray', title: 'Deleted', message: file.title });
      onDone();
    },
  });
  return (
    <Stack>
      {remove.isError ? <ErrorAlert error={remove.error} title="Not deleted" /> : null}
      <Text size="sm">
        “{file.title}” and its stored file are removed for good; links to {file.file} stop working.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone} data-autofocus>
          Cancel
        </Button>
        <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
          Delete
        </Button>
      </Group>
    </Stack>
  );
}
